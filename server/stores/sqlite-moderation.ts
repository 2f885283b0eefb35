import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Ban, Member, RoomSettings } from '../../protocol/index.js';
import { guard } from './sqlite-guard.js';
import type { AuditEntry, ModerationStore, ReportFilter, ReportPage, Resolution, ResolvedHow, StoredReport } from './store.js';

/**
 * The moderation tables of the SQLite store (settings, bans, reports, the
 * audit log), created if missing, so that an existing database gains them
 * at start. `room_bans` replaces v1's `bans` (which had only `until`): when
 * it is first created, the bans still in force are copied over.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS room_settings (
    room     TEXT    PRIMARY KEY,
    settings TEXT    NOT NULL, -- RoomSettings as JSON
    version  INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS room_bans (
    room      TEXT    NOT NULL,
    member_id TEXT    NOT NULL,
    member    TEXT    NOT NULL, -- the banned Member as JSON
    until     INTEGER NOT NULL,
    reason    TEXT,
    by_member TEXT    NOT NULL, -- the moderator's Member as JSON
    ts        INTEGER NOT NULL,
    PRIMARY KEY (room, member_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS address_bans (
    room      TEXT    NOT NULL,
    address   TEXT    NOT NULL, -- an address key: IPv4 address or IPv6 /64
    member_id TEXT    NOT NULL, -- whose ban brought it
    until     INTEGER NOT NULL,
    PRIMARY KEY (room, address, member_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS room_members (
    room      TEXT    NOT NULL,
    member_id TEXT    NOT NULL,
    member    TEXT    NOT NULL,
    address   TEXT,
    seen      INTEGER NOT NULL,
    PRIMARY KEY (room, member_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS reports (
    id           TEXT    PRIMARY KEY,
    room         TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    status       TEXT    NOT NULL,
    ts           INTEGER NOT NULL,
    resolved_by  TEXT,    -- v3: the Member who resolved it, as JSON, while resolved
    resolved_how TEXT,    -- v3: dismissed, deleted or banned
    resolved_at  INTEGER, -- v3
    UNIQUE (room, seq)
  );
  -- GET /api/reports pages newest first, within a status (the console's
  -- open list), a room, or all: an index for each, so a flood of reports
  -- costs a page and a count of the index, never a sort of the table.
  CREATE INDEX IF NOT EXISTS reports_by_time ON reports (ts, id);
  CREATE INDEX IF NOT EXISTS reports_by_status ON reports (status, ts, id);
  CREATE INDEX IF NOT EXISTS reports_by_room ON reports (room, status, ts, id);
  CREATE TABLE IF NOT EXISTS report_entries (
    report_id   TEXT    NOT NULL,
    reporter_id TEXT    NOT NULL,
    reporter    TEXT    NOT NULL,
    reason      TEXT,
    ts          INTEGER NOT NULL,
    PRIMARY KEY (report_id, reporter_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    room      TEXT    NOT NULL,
    ts        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    member_id TEXT,
    seq       INTEGER,
    detail    TEXT
  );
  CREATE INDEX IF NOT EXISTS audit_by_room ON audit (room, id);
`;

/**
 * Columns added to the tables above after they first shipped: a database
 * made before gains them at start (CREATE TABLE IF NOT EXISTS leaves an
 * existing table as it was). Added last, as in SCHEMA, so an upgraded
 * table reads like a new one.
 */
const ADDED_COLUMNS: [table: string, column: string, type: string][] = [
  ['reports', 'resolved_by', 'TEXT'],
  ['reports', 'resolved_how', 'TEXT'],
  ['reports', 'resolved_at', 'INTEGER'],
];

const COPY_V1_BANS = `
  INSERT OR IGNORE INTO room_bans (room, member_id, member, until, reason, by_member, ts)
  SELECT room, member_id,
         json_object('id', member_id, 'name', member_id, 'verified', json(CASE WHEN member_id LIKE 'guest:%' THEN 'false' ELSE 'true' END)),
         until, NULL, json_object('id', '', 'name', 'unknown', 'verified', json('false')), until
  FROM bans WHERE until > ?
`;

interface BanRow {
  member: string;
  until: number;
  reason: string | null;
  by_member: string;
  ts: number;
}
interface ReportRow {
  id: string;
  room: string;
  seq: number;
  status: 'open' | 'resolved';
  ts: number;
  resolved_by: string | null;
  resolved_how: ResolvedHow | null;
  resolved_at: number | null;
}
interface AuditRow {
  id: number;
  ts: number;
  actor: string;
  action: AuditEntry['action'];
  member_id: string | null;
  seq: number | null;
  detail: string | null;
}

function toBan(row: BanRow): Ban {
  const ban: Ban = { member: JSON.parse(row.member) as Member, until: row.until, by: JSON.parse(row.by_member) as Member, ts: row.ts };
  if (row.reason !== null) ban.reason = row.reason;
  return ban;
}

function toAuditEntry(row: AuditRow): AuditEntry {
  const entry: AuditEntry = { id: row.id, ts: row.ts, actor: JSON.parse(row.actor) as Member, action: row.action };
  if (row.member_id !== null) entry.memberId = row.member_id;
  if (row.seq !== null) entry.seq = row.seq;
  if (row.detail !== null) entry.detail = row.detail;
  return entry;
}

/** The moderation half of the SQLite store. It creates the moderation tables, and `room_members` (sqlite-members.ts). */
export function moderationStore(db: Database.Database): ModerationStore {
  const fresh = !db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'room_bans'").get();
  db.exec(SCHEMA);
  for (const [table, column, type] of ADDED_COLUMNS) {
    const columns = db.prepare<[], { name: string }>(`PRAGMA table_info(${table})`).all();
    if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
  if (fresh && db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bans'").get()) {
    db.prepare(COPY_V1_BANS).run(Date.now());
  }

  const upsertBan = db.prepare(
    `INSERT INTO room_bans (room, member_id, member, until, reason, by_member, ts)
     VALUES (@room, @memberId, @member, @until, @reason, @by, @ts)
     ON CONFLICT (room, member_id) DO UPDATE SET member = excluded.member, until = excluded.until,
       reason = excluded.reason, by_member = excluded.by_member, ts = excluded.ts`,
  );
  const deleteAddressBans = db.prepare<[string, string]>('DELETE FROM address_bans WHERE room = ? AND member_id = ?');
  const insertAddressBan = db.prepare<[string, string, string, number]>(
    'INSERT OR REPLACE INTO address_bans (room, address, member_id, until) VALUES (?, ?, ?, ?)',
  );
  const deleteBan = db.prepare<[string, string, number]>('DELETE FROM room_bans WHERE room = ? AND member_id = ? AND until > ?');
  const deleteBanAnyway = db.prepare<[string, string]>('DELETE FROM room_bans WHERE room = ? AND member_id = ?');
  const listBans = db.prepare<[string, number], BanRow>('SELECT * FROM room_bans WHERE room = ? AND until > ? ORDER BY ts DESC');
  const getSettings = db.prepare<[string], { settings: string; version: number }>('SELECT settings, version FROM room_settings WHERE room = ?');
  const putSettings = db.prepare<[string, string]>(
    `INSERT INTO room_settings (room, settings, version) VALUES (?, ?, 1)
     ON CONFLICT (room) DO UPDATE SET settings = excluded.settings, version = room_settings.version + 1`,
  );
  const findReport = db.prepare<[string, number], ReportRow>('SELECT * FROM reports WHERE room = ? AND seq = ?');
  const reportById = db.prepare<[string], ReportRow>('SELECT * FROM reports WHERE id = ?');
  const insertReport = db.prepare<[string, string, number, number]>("INSERT INTO reports (id, room, seq, status, ts) VALUES (?, ?, ?, 'open', ?)");
  const reopen = db.prepare<[string]>(
    "UPDATE reports SET status = 'open', resolved_by = NULL, resolved_how = NULL, resolved_at = NULL WHERE id = ?",
  );
  const resolveOne = db.prepare<[string, string, number, string]>(
    "UPDATE reports SET status = 'resolved', resolved_by = ?, resolved_how = ?, resolved_at = ? WHERE id = ? AND status = 'open'",
  );
  const openReportsBy = db.prepare<[string, string], ReportRow>(
    `SELECT r.* FROM reports r JOIN messages m ON m.room = r.room AND m.seq = r.seq
     WHERE r.room = ? AND r.status = 'open' AND m.author_id = ? ORDER BY r.seq`,
  );
  const findMemberBan = db.prepare<[string, string, number], { until: number; reason: string | null }>(
    'SELECT until, reason FROM room_bans WHERE room = ? AND member_id = ? AND until > ?',
  );
  const findAddressBanReason = db.prepare<[string, string, number], { until: number; reason: string | null }>(
    `SELECT a.until, b.reason FROM address_bans a LEFT JOIN room_bans b ON b.room = a.room AND b.member_id = a.member_id
     WHERE a.room = ? AND a.address = ? AND a.until > ? ORDER BY a.until DESC LIMIT 1`,
  );
  const insertEntry = db.prepare<[string, string, string, string | null, number]>(
    'INSERT OR IGNORE INTO report_entries (report_id, reporter_id, reporter, reason, ts) VALUES (?, ?, ?, ?, ?)',
  );
  const entries = db.prepare<[string], { reporter: string; reason: string | null }>(
    'SELECT reporter, reason FROM report_entries WHERE report_id = ? ORDER BY ts, reporter_id',
  );
  // One pair of statements per filter (room, status, both, neither), each
  // written for its index rather than with `@room IS NULL OR …`, which
  // SQLite's planner cannot match to one.
  type Listing = { page: Database.Statement<Record<string, unknown>, ReportRow>; count: Database.Statement<Record<string, unknown>, { n: number }> };
  const listings = new Map<string, Listing>();
  const listing = ({ room, status }: ReportFilter, cursor: boolean): Listing => {
    const key = `${room !== undefined}${status !== undefined}${cursor}`;
    let found = listings.get(key);
    if (!found) {
      const where = [room !== undefined && 'room = @room', status !== undefined && 'status = @status'].filter(Boolean);
      const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const page = [...where, ...(cursor ? ['(ts, id) < (@ts, @id)'] : [])];
      found = {
        page: db.prepare(`SELECT * FROM reports ${page.length ? `WHERE ${page.join(' AND ')}` : ''} ORDER BY ts DESC, id DESC LIMIT @limit`),
        count: db.prepare(`SELECT COUNT(*) AS n FROM reports ${filter}`),
      };
      listings.set(key, found);
    }
    return found;
  };
  const insertAudit = db.prepare(
    `INSERT INTO audit (room, ts, actor, action, member_id, seq, detail)
     VALUES (@room, @ts, @actor, @action, @memberId, @seq, @detail)`,
  );
  const listAudit = db.prepare<[string, number, number], AuditRow>(
    'SELECT * FROM audit WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?',
  );

  const withEntries = (row: ReportRow): StoredReport => {
    const rows = entries.all(row.id);
    return {
      id: row.id,
      room: row.room,
      seq: row.seq,
      reporters: rows.map((r) => JSON.parse(r.reporter) as Member),
      reasons: rows.flatMap((r) => (r.reason === null ? [] : [r.reason])),
      count: rows.length,
      status: row.status,
      ts: row.ts,
      ...(row.status === 'resolved' &&
        row.resolved_how !== null && {
          resolved: { by: JSON.parse(row.resolved_by!) as Member, how: row.resolved_how, ts: row.resolved_at! },
        }),
    };
  };
  const resolveAll = db.transaction((rows: ReportRow[], { by, how, ts }: Resolution) =>
    rows.map((row) => {
      const changed = resolveOne.run(JSON.stringify(by), how, ts, row.id).changes > 0;
      return { report: withEntries(reportById.get(row.id)!), changed };
    }),
  );

  const banAll = db.transaction((room: string, ban: Ban & { until: number }, addresses: string[]) => {
    upsertBan.run({
      room,
      memberId: ban.member.id,
      member: JSON.stringify(ban.member),
      until: ban.until,
      reason: ban.reason ?? null,
      by: JSON.stringify(ban.by),
      ts: ban.ts,
    });
    deleteAddressBans.run(room, ban.member.id);
    for (const address of addresses) insertAddressBan.run(room, address, ban.member.id, ban.until);
  });
  const unbanAll = db.transaction((room: string, memberId: string, now: number) => {
    const inForce = deleteBan.run(room, memberId, now).changes > 0;
    deleteBanAnyway.run(room, memberId);
    deleteAddressBans.run(room, memberId);
    return inForce;
  });
  const reportOne = db.transaction((input: { room: string; seq: number; reporter: Member; reason?: string; ts: number }) => {
    let row = findReport.get(input.room, input.seq);
    if (!row) {
      insertReport.run(randomUUID(), input.room, input.seq, input.ts);
      row = findReport.get(input.room, input.seq)!;
    }
    const added =
      insertEntry.run(row.id, input.reporter.id, JSON.stringify(input.reporter), input.reason ?? null, input.ts).changes > 0;
    if (added && row.status !== 'open') reopen.run(row.id);
    return { report: withEntries(reportById.get(row.id)!), added };
  });

  // Each send reads its room's settings. A SQLite file has one relay (this
  // process) writing it, so the settings it last read or wrote are the
  // settings: kept for the busiest rooms, not read again.
  type KeptSettings = { settings: RoomSettings; version: number } | undefined;
  const settingsKept = new Map<string, KeptSettings>();
  const keepSettings = (room: string, kept: KeptSettings) => {
    if (settingsKept.size >= 1000) settingsKept.delete(settingsKept.keys().next().value!);
    settingsKept.set(room, kept);
    return kept;
  };

  return {
    ban: (room, ban, addresses) => guard(() => banAll.immediate(room, ban, addresses)),
    unban: (room, memberId, now) => guard(() => unbanAll.immediate(room, memberId, now)),
    bans: (room, now) => guard(() => listBans.all(room, now).map(toBan)),
    settings: (room) =>
      guard(() => {
        if (settingsKept.has(room)) return settingsKept.get(room);
        const row = getSettings.get(room);
        return keepSettings(room, row && { settings: JSON.parse(row.settings) as RoomSettings, version: row.version });
      }),
    saveSettings: (room, settings) =>
      guard(() => {
        putSettings.run(room, JSON.stringify(settings));
        settingsKept.delete(room);
      }),
    report: (input) => guard(() => reportOne.immediate(input)),
    reports: (filter, { before, limit }) =>
      guard((): ReportPage | undefined => {
        const cursor = before === undefined ? undefined : reportById.get(before);
        if (before !== undefined && !cursor) return undefined;
        const named = { ...(filter.room !== undefined && { room: filter.room }), ...(filter.status !== undefined && { status: filter.status }) };
        const { page, count } = listing(filter, cursor !== undefined);
        const rows = page.all({ ...named, ...(cursor && { ts: cursor.ts, id: cursor.id }), limit: limit + 1 });
        return { reports: rows.slice(0, limit).map(withEntries), total: count.get(named)!.n, hasMore: rows.length > limit };
      }),
    resolveReports: (where, resolution) =>
      guard(() => {
        const rows =
          'id' in where
            ? [reportById.get(where.id)]
            : 'seq' in where
              ? [findReport.get(where.room, where.seq)]
              : openReportsBy.all(where.room, where.authorId);
        return resolveAll.immediate(rows.filter((row) => row !== undefined), resolution);
      }),
    banOf: (room, memberId, address, now) =>
      guard(() => {
        const found = findMemberBan.get(room, memberId, now) ?? (address === undefined ? undefined : findAddressBanReason.get(room, address, now));
        if (!found) return undefined;
        return found.reason === null ? { until: found.until } : { until: found.until, reason: found.reason };
      }),
    audit: (entry) =>
      guard(() => {
        const { lastInsertRowid } = insertAudit.run({
          room: entry.room,
          ts: entry.ts,
          actor: JSON.stringify(entry.actor),
          action: entry.action,
          memberId: entry.memberId ?? null,
          seq: entry.seq ?? null,
          detail: entry.detail ?? null,
        });
        const { room: _room, ...rest } = entry;
        return { id: Number(lastInsertRowid), ...rest };
      }),
    auditLog: (room, before, limit) =>
      guard(() => {
        const rows = listAudit.all(room, before ?? Number.MAX_SAFE_INTEGER, limit + 1);
        return { entries: rows.slice(0, limit).map(toAuditEntry), hasMore: rows.length > limit };
      }),
  };
}
