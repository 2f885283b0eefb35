import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Ban, Member, RoomSettings } from '../../protocol/index.js';
import { inTransaction, type Query } from './postgres-transaction.js';
import type { AuditEntry, ModerationStore, ResolvedHow, StoredReport } from './store.js';

/**
 * The migration that adds the moderation tables (settings, bans with who
 * and why, address bans, reports, the audit log) and carries v1's bans over.
 */
export const MODERATION_MIGRATION = `
  CREATE TABLE room_settings (
    room     TEXT   PRIMARY KEY,
    settings JSONB  NOT NULL,
    version  BIGINT NOT NULL
  );
  CREATE TABLE room_bans (
    room      TEXT   NOT NULL,
    member_id TEXT   NOT NULL,
    member    JSONB  NOT NULL,
    until     BIGINT NOT NULL,
    reason    TEXT,
    by_member JSONB  NOT NULL,
    ts        BIGINT NOT NULL,
    PRIMARY KEY (room, member_id)
  );
  INSERT INTO room_bans (room, member_id, member, until, reason, by_member, ts)
    SELECT room, member_id,
           jsonb_build_object('id', member_id, 'name', member_id, 'verified', member_id NOT LIKE 'guest:%'),
           until, NULL, jsonb_build_object('id', '', 'name', 'unknown', 'verified', false), until
    FROM bans;
  CREATE TABLE address_bans (
    room      TEXT   NOT NULL,
    address   TEXT   NOT NULL,
    member_id TEXT   NOT NULL,
    until     BIGINT NOT NULL,
    PRIMARY KEY (room, address, member_id)
  );
  CREATE TABLE room_members (
    room      TEXT   NOT NULL,
    member_id TEXT   NOT NULL,
    member    JSONB  NOT NULL,
    address   TEXT,
    seen      BIGINT NOT NULL,
    PRIMARY KEY (room, member_id)
  );
  CREATE TABLE reports (
    id     UUID   PRIMARY KEY,
    room   TEXT   NOT NULL,
    seq    BIGINT NOT NULL,
    status TEXT   NOT NULL,
    ts     BIGINT NOT NULL,
    UNIQUE (room, seq)
  );
  CREATE TABLE report_entries (
    report_id   UUID   NOT NULL REFERENCES reports (id),
    reporter_id TEXT   NOT NULL,
    reporter    JSONB  NOT NULL,
    reason      TEXT,
    ts          BIGINT NOT NULL,
    PRIMARY KEY (report_id, reporter_id)
  );
  CREATE TABLE audit (
    id        BIGSERIAL PRIMARY KEY,
    room      TEXT   NOT NULL,
    ts        BIGINT NOT NULL,
    actor     JSONB  NOT NULL,
    action    TEXT   NOT NULL,
    member_id TEXT,
    seq       BIGINT,
    detail    TEXT
  );
  CREATE INDEX audit_by_room ON audit (room, id);
`;

interface BanRow {
  member: Member;
  until: string;
  reason: string | null;
  by_member: Member;
  ts: string;
}
interface ReportRow {
  id: string;
  room: string;
  seq: string;
  status: 'open' | 'resolved';
  ts: string;
  resolved_by: Member | null;
  resolved_how: ResolvedHow | null;
  resolved_at: string | null;
  entries: { reporter: Member; reason: string | null }[];
}
interface AuditRow {
  id: string;
  ts: string;
  actor: Member;
  action: AuditEntry['action'];
  member_id: string | null;
  seq: string | null;
  detail: string | null;
}

function toBan(row: BanRow): Ban {
  const ban: Ban = { member: row.member, until: Number(row.until), by: row.by_member, ts: Number(row.ts) };
  if (row.reason !== null) ban.reason = row.reason;
  return ban;
}

function toReport(row: ReportRow): StoredReport {
  return {
    id: row.id,
    room: row.room,
    seq: Number(row.seq),
    reporters: row.entries.map((e) => e.reporter),
    reasons: row.entries.flatMap((e) => (e.reason === null ? [] : [e.reason])),
    count: row.entries.length,
    status: row.status,
    ts: Number(row.ts),
    ...(row.status === 'resolved' &&
      row.resolved_how !== null && { resolved: { by: row.resolved_by!, how: row.resolved_how, ts: Number(row.resolved_at) } }),
  };
}

function toAuditEntry(row: AuditRow): AuditEntry {
  const entry: AuditEntry = { id: Number(row.id), ts: Number(row.ts), actor: row.actor, action: row.action };
  if (row.member_id !== null) entry.memberId = row.member_id;
  if (row.seq !== null) entry.seq = Number(row.seq);
  if (row.detail !== null) entry.detail = row.detail;
  return entry;
}

/** A report with its reporters, in the order they reported. */
const REPORT_SELECT = `
  SELECT r.*, coalesce((SELECT json_agg(json_build_object('reporter', e.reporter, 'reason', e.reason) ORDER BY e.ts, e.reporter_id)
                        FROM report_entries e WHERE e.report_id = r.id), '[]') AS entries
  FROM reports r`;

/** Whether a text is a UUID, as report ids are (anything else names no report, rather than a storage error). */
const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/**
 * GET /api/reports pages newest first, within a status (the console's open
 * list), a room, or all: an index for each, so a flood of reports costs a
 * page and a count of the index, never a sort of the table.
 */
export const REPORTS_PAGING_MIGRATION = `
  CREATE INDEX reports_by_time ON reports (ts, id);
  CREATE INDEX reports_by_status ON reports (status, ts, id);
  CREATE INDEX reports_by_room ON reports (room, status, ts, id);
`;

/**
 * v3: who resolved a report, how and when (reports resolved before have
 * none of these, and keep their status).
 */
export const REPORT_RESOLUTION_MIGRATION = `
  ALTER TABLE reports
    ADD COLUMN resolved_by  JSONB,
    ADD COLUMN resolved_how TEXT,
    ADD COLUMN resolved_at  BIGINT;
`;

/** The moderation half of the PostgreSQL store. */
export function moderationStore(pool: pg.Pool, query: Query): ModerationStore {
  const transaction = <T>(fn: (client: pg.PoolClient) => Promise<T>) => inTransaction(pool, fn);

  return {
    ban: (room, ban, addresses) =>
      transaction(async (client) => {
        await client.query(
          `INSERT INTO room_bans (room, member_id, member, until, reason, by_member, ts) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (room, member_id) DO UPDATE SET member = excluded.member, until = excluded.until,
             reason = excluded.reason, by_member = excluded.by_member, ts = excluded.ts`,
          [room, ban.member.id, ban.member, ban.until, ban.reason ?? null, ban.by, ban.ts],
        );
        await client.query('DELETE FROM address_bans WHERE room = $1 AND member_id = $2', [room, ban.member.id]);
        for (const address of addresses) {
          await client.query('INSERT INTO address_bans (room, address, member_id, until) VALUES ($1, $2, $3, $4)', [
            room,
            address,
            ban.member.id,
            ban.until,
          ]);
        }
      }),
    unban: (room, memberId, now) =>
      transaction(async (client) => {
        const { rows } = await client.query<{ until: string }>(
          'DELETE FROM room_bans WHERE room = $1 AND member_id = $2 RETURNING until',
          [room, memberId],
        );
        await client.query('DELETE FROM address_bans WHERE room = $1 AND member_id = $2', [room, memberId]);
        return rows.some((row) => Number(row.until) > now);
      }),
    async bans(room, now) {
      const rows = await query<BanRow>('SELECT * FROM room_bans WHERE room = $1 AND until > $2 ORDER BY ts DESC', [room, now]);
      return rows.map(toBan);
    },
    async settings(room) {
      const [row] = await query<{ settings: RoomSettings; version: string }>('SELECT settings, version FROM room_settings WHERE room = $1', [
        room,
      ]);
      return row && { settings: row.settings, version: Number(row.version) };
    },
    async saveSettings(room, settings) {
      await query(
        `INSERT INTO room_settings (room, settings, version) VALUES ($1, $2, 1)
         ON CONFLICT (room) DO UPDATE SET settings = excluded.settings, version = room_settings.version + 1`,
        [room, JSON.stringify(settings)],
      );
    },
    report: (input) =>
      transaction(async (client) => {
        await client.query(
          `INSERT INTO reports (id, room, seq, status, ts) VALUES ($1, $2, $3, 'open', $4) ON CONFLICT (room, seq) DO NOTHING`,
          [randomUUID(), input.room, input.seq, input.ts],
        );
        const [{ id }] = (await client.query<{ id: string }>('SELECT id FROM reports WHERE room = $1 AND seq = $2 FOR UPDATE', [input.room, input.seq]))
          .rows as [{ id: string }];
        const inserted = await client.query(
          `INSERT INTO report_entries (report_id, reporter_id, reporter, reason, ts) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING`,
          [id, input.reporter.id, input.reporter, input.reason ?? null, input.ts],
        );
        const added = (inserted.rowCount ?? 0) > 0;
        if (added) {
          await client.query(
            "UPDATE reports SET status = 'open', resolved_by = NULL, resolved_how = NULL, resolved_at = NULL WHERE id = $1 AND status <> 'open'",
            [id],
          );
        }
        const { rows } = await client.query<ReportRow>(`${REPORT_SELECT} WHERE r.id = $1`, [id]);
        return { report: toReport(rows[0]!), added };
      }),
    async reports({ room, status }, { before, limit }) {
      let cursor: { ts: string; id: string } | undefined;
      if (before !== undefined) {
        [cursor] = isUuid(before) ? await query<{ ts: string; id: string }>('SELECT ts, id FROM reports WHERE id = $1', [before]) : [];
        if (!cursor) return undefined;
      }
      const params: unknown[] = [];
      const where: string[] = [];
      if (room !== undefined) where.push(`r.room = $${params.push(room)}`);
      if (status !== undefined) where.push(`r.status = $${params.push(status)}`);
      const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const filterParams = [...params];
      if (cursor) where.push(`(r.ts, r.id) < ($${params.push(cursor.ts)}, $${params.push(cursor.id)})`);
      const [rows, [counted]] = await Promise.all([
        query<ReportRow>(
          `${REPORT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.ts DESC, r.id DESC LIMIT $${params.push(limit + 1)}`,
          params,
        ),
        query<{ n: string }>(`SELECT COUNT(*) AS n FROM reports r ${filter}`, filterParams),
      ]);
      return { reports: rows.slice(0, limit).map(toReport), total: Number(counted!.n), hasMore: rows.length > limit };
    },
    async resolveReports(where, { by, how, ts }) {
      if ('id' in where && !isUuid(where.id)) return [];
      // The reports named, as SQL from parameter $<first> on, and those parameters.
      const named = (first: number): [string, unknown[]] =>
        'id' in where
          ? [`r.id = $${first}`, [where.id]]
          : 'seq' in where
            ? [`r.room = $${first} AND r.seq = $${first + 1}`, [where.room, where.seq]]
            : [
                `r.room = $${first} AND r.status = 'open' AND EXISTS
                   (SELECT 1 FROM messages m WHERE m.room = r.room AND m.seq = r.seq AND m.author_id = $${first + 1})`,
                [where.room, where.authorId],
              ];
      const [target, params] = named(4);
      const changed = await query<{ id: string }>(
        `UPDATE reports r SET status = 'resolved', resolved_by = $1, resolved_how = $2, resolved_at = $3
         WHERE ${target} AND r.status = 'open' RETURNING r.id`,
        [by, how, ts, ...params],
      );
      const ids = new Set(changed.map((row) => row.id));
      const rows =
        'authorId' in where
          ? ids.size === 0
            ? []
            : await query<ReportRow>(`${REPORT_SELECT} WHERE r.id = ANY($1) ORDER BY r.seq`, [[...ids]])
          : await query<ReportRow>(`${REPORT_SELECT} WHERE ${named(1)[0]}`, named(1)[1]);
      return rows.map((row) => ({ report: toReport(row), changed: ids.has(row.id) }));
    },
    async banOf(room, memberId, address, now) {
      let [row] = await query<{ until: string; reason: string | null }>(
        'SELECT until, reason FROM room_bans WHERE room = $1 AND member_id = $2 AND until > $3',
        [room, memberId, now],
      );
      if (!row && address !== undefined) {
        [row] = await query<{ until: string; reason: string | null }>(
          `SELECT a.until, b.reason FROM address_bans a LEFT JOIN room_bans b ON b.room = a.room AND b.member_id = a.member_id
           WHERE a.room = $1 AND a.address = $2 AND a.until > $3 ORDER BY a.until DESC LIMIT 1`,
          [room, address, now],
        );
      }
      if (!row) return undefined;
      return row.reason === null ? { until: Number(row.until) } : { until: Number(row.until), reason: row.reason };
    },
    async audit(entry) {
      const [row] = await query<{ id: string }>(
        `INSERT INTO audit (room, ts, actor, action, member_id, seq, detail) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [entry.room, entry.ts, entry.actor, entry.action, entry.memberId ?? null, entry.seq ?? null, entry.detail ?? null],
      );
      const { room: _room, ...rest } = entry;
      return { id: Number(row!.id), ...rest };
    },
    async auditLog(room, before, limit) {
      const rows = await query<AuditRow>('SELECT * FROM audit WHERE room = $1 AND id < $2 ORDER BY id DESC LIMIT $3', [
        room,
        before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      ]);
      return { entries: rows.slice(0, limit).map(toAuditEntry), hasMore: rows.length > limit };
    },
  };
}
