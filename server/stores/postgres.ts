import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Member, Message } from '../../protocol/index.js';
import { attachReactions, mentionsSeq, replyPreview, withoutDeletedText } from './shape.js';
import { moderationStore, MODERATION_MIGRATION, REPORTS_PAGING_MIGRATION } from './postgres-moderation.js';
import { memberStore } from './postgres-members.js';
import { checkPg } from '../internals/pg.js';
import { inTransaction } from './postgres-transaction.js';
import {
  StorageError,
  settlement,
  type AppendResult,
  type ClaimedWebhook,
  type NewMessage,
  type Outbox,
  type QueuedWebhook,
  type Store,
} from './store.js';

interface Row {
  id: string;
  room: string;
  seq: string; // bigint comes back as text
  text: string;
  author: Member;
  ts: string;
  client_msg_id: string | null;
  deleted: boolean;
  rev: string;
  edited_at: string | null;
  reply_to: string | null;
  mentions: Member[] | null;
  parent_author: Member | null;
  parent_text: string | null;
}

/**
 * Migrations, applied in order at start, each once (recorded in
 * live_chat_migrations). Several relays starting together take an advisory
 * lock, so only one applies them.
 */
const MIGRATIONS = [
  `CREATE TABLE rooms (
     room     TEXT   PRIMARY KEY,
     last_seq BIGINT NOT NULL
   );
   CREATE TABLE messages (
     room          TEXT    NOT NULL,
     seq           BIGINT  NOT NULL,
     id            UUID    NOT NULL UNIQUE,
     text          TEXT    NOT NULL,
     author_id     TEXT    NOT NULL,
     author        JSONB   NOT NULL,
     ts            BIGINT  NOT NULL,
     client_msg_id TEXT,
     deleted       BOOLEAN NOT NULL DEFAULT false,
     PRIMARY KEY (room, seq)
   );
   CREATE UNIQUE INDEX messages_idempotence ON messages (room, author_id, client_msg_id)
     WHERE client_msg_id IS NOT NULL;
   CREATE TABLE bans (
     room      TEXT   NOT NULL,
     member_id TEXT   NOT NULL,
     until     BIGINT NOT NULL,
     PRIMARY KEY (room, member_id)
   );`,
  // Conversation v2: revisions, edits, replies, mentions, reactions. Existing
  // messages take rev = seq and their rooms rev = last_seq, so every rev a
  // client holds stays below what comes next.
  `ALTER TABLE rooms ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
   UPDATE rooms SET rev = last_seq;
   ALTER TABLE messages
     ADD COLUMN rev       BIGINT NOT NULL DEFAULT 0,
     ADD COLUMN edited_at BIGINT,
     ADD COLUMN reply_to  BIGINT,  -- the parent's seq, same room
     ADD COLUMN mentions  JSONB;   -- Member[]
   UPDATE messages SET rev = seq;
   CREATE INDEX messages_rev ON messages (room, rev);
   CREATE INDEX messages_author ON messages (room, author_id, seq);
   CREATE TABLE reactions (
     room      TEXT   NOT NULL,
     seq       BIGINT NOT NULL,
     member_id TEXT   NOT NULL,
     emoji     TEXT   NOT NULL,
     rev       BIGINT NOT NULL, -- the room's rev when reacted: orders emoji by first reaction
     PRIMARY KEY (room, seq, member_id, emoji)
   );`,
  MODERATION_MIGRATION,
  // The admin API's room list (GET /api/rooms): each room's count of messages
  // not deleted and its last message's time, kept with its seq, and an index
  // by last activity, so the busiest rooms are read first without a scan of
  // messages however many rooms there are.
  `ALTER TABLE rooms
     ADD COLUMN messages        BIGINT NOT NULL DEFAULT 0,
     ADD COLUMN last_message_at BIGINT;
   UPDATE rooms SET
     messages = (SELECT COUNT(*) FROM messages m WHERE m.room = rooms.room AND NOT m.deleted),
     last_message_at = (SELECT MAX(ts) FROM messages m WHERE m.room = rooms.room);
   CREATE INDEX rooms_activity ON rooms (last_message_at DESC NULLS LAST, room);`,
  // Retention (RETENTION_DAYS) finds the oldest messages by time.
  `CREATE INDEX messages_ts ON messages (ts);`,
  // Outgoing webhooks: the queue of events (deleted once delivered or
  // dropped; the id orders a room's events) and, per room, when its first
  // event may be tried and which relay holds it.
  `CREATE TABLE webhook_events (
     id         BIGSERIAL PRIMARY KEY,
     webhook_id TEXT   NOT NULL,
     room       TEXT   NOT NULL,
     type       TEXT   NOT NULL,
     body       TEXT   NOT NULL,
     ts         BIGINT NOT NULL,
     attempts   INT    NOT NULL DEFAULT 0
   );
   CREATE INDEX webhook_events_room ON webhook_events (room, id);
   CREATE TABLE webhook_rooms (
     room          TEXT PRIMARY KEY,
     next_at       BIGINT, -- NULL: no event waiting
     claimed_by    TEXT,
     claimed_until BIGINT
   );
   CREATE INDEX webhook_rooms_due ON webhook_rooms (next_at) WHERE next_at IS NOT NULL;`,
  REPORTS_PAGING_MIGRATION,
  // Names a guest cannot fake (v3): the keys of verified members' names
  // (chat/names.ts), each with when such a member last joined, per site.
  `CREATE TABLE verified_names (
     site      TEXT   NOT NULL DEFAULT 'default',
     name_key  TEXT   NOT NULL,
     last_join BIGINT NOT NULL,
     PRIMARY KEY (site, name_key)
   );`,
];

const MIGRATION_LOCK = 7_231_994; // any constant shared by all relays

interface WebhookRow {
  id: string;
  webhook_id: string;
  room: string;
  type: string;
  body: string;
  ts: string;
  attempts: number;
}

const toWebhook = (row: WebhookRow): ClaimedWebhook => ({
  id: Number(row.id),
  webhookId: row.webhook_id,
  room: row.room,
  type: row.type,
  body: row.body,
  ts: Number(row.ts),
  attempts: row.attempts,
});

/** Takes a message's text out of its room's events still queued, in the deletion's transaction. */
async function scrubQueued(db: Queryable, room: string, seq: number): Promise<void> {
  const { rows } = await db.query<{ id: string; body: string }>('SELECT id, body FROM webhook_events WHERE room = $1 AND body LIKE $2', [
    room,
    mentionsSeq(seq),
  ]);
  for (const { id, body } of rows) {
    const scrubbed = withoutDeletedText(body, seq);
    if (scrubbed !== undefined) await db.query('UPDATE webhook_events SET body = $1 WHERE id = $2', [scrubbed, id]);
  }
}

/**
 * Queues an event in the transaction under way. The room's row is upserted
 * (and so locked until commit): a room that had nothing waiting is due now,
 * one waiting keeps its time (a retry's backoff).
 */
async function queue(db: Queryable, event: QueuedWebhook): Promise<void> {
  await db.query('INSERT INTO webhook_events (webhook_id, room, type, body, ts) VALUES ($1, $2, $3, $4, $5)', [
    event.webhookId,
    event.room,
    event.type,
    event.body,
    event.ts,
  ]);
  await db.query(
    `INSERT INTO webhook_rooms (room, next_at) VALUES ($1, $2)
     ON CONFLICT (room) DO UPDATE SET next_at = COALESCE(webhook_rooms.next_at, excluded.next_at)`,
    [event.room, event.ts],
  );
}

/**
 * Ends `relay`'s claim on a room whose row the transaction has locked: its
 * next event is due at `next`, or nothing waits. Its own statement, after
 * the lock: under READ COMMITTED it then sees an event another transaction
 * committed while this one waited for the row.
 */
async function release(client: pg.PoolClient, relay: string, room: string, next: number): Promise<void> {
  await client.query(
    `UPDATE webhook_rooms SET claimed_by = NULL, claimed_until = NULL,
       next_at = CASE WHEN EXISTS (SELECT 1 FROM webhook_events WHERE room = $1) THEN $3::bigint END
     WHERE room = $1 AND claimed_by = $2`,
    [room, relay, next],
  );
}

function toMessage(row: Row): Message {
  const message: Message = {
    id: row.id,
    room: row.room,
    seq: Number(row.seq),
    text: row.text,
    author: row.author,
    ts: Number(row.ts),
    rev: Number(row.rev),
  };
  if (row.client_msg_id !== null) message.clientMsgId = row.client_msg_id;
  if (row.deleted) message.deleted = true;
  if (row.edited_at !== null) message.editedAt = Number(row.edited_at);
  const replyTo = replyPreview(row.reply_to === null ? null : Number(row.reply_to), row.parent_author, row.parent_text);
  if (replyTo) message.replyTo = replyTo;
  if (row.mentions !== null) message.mentions = row.mentions;
  return message;
}

/** Reads `inner`'s messages with their parent (for `replyTo`) joined in. */
const withParent = (inner: string, order = 'm.seq') =>
  `SELECT m.*, p.author AS parent_author, p.text AS parent_text
   FROM (${inner}) m LEFT JOIN messages p ON p.room = m.room AND p.seq = m.reply_to
   ORDER BY ${order}`;

type Queryable = pg.Pool | pg.PoolClient;

/** Rows as messages, with their reaction counts. */
async function load(db: Queryable, rows: Row[]): Promise<Message[]> {
  const messages = rows.map(toMessage);
  if (messages.length === 0) return messages;
  const counts = await db.query<{ seq: string; emoji: string; count: string }>(
    `SELECT seq, emoji, COUNT(*) AS count FROM reactions
     WHERE room = $1 AND seq = ANY($2::bigint[])
     GROUP BY seq, emoji ORDER BY seq, MIN(rev)`,
    [messages[0]!.room, messages.map((m) => m.seq)],
  );
  return attachReactions(messages, counts.rows.map((r) => ({ seq: Number(r.seq), emoji: r.emoji, count: Number(r.count) })));
}

async function loadOne(db: Queryable, room: string, seq: number): Promise<Message | undefined> {
  const { rows } = await db.query<Row>(withParent('SELECT * FROM messages WHERE room = $1 AND seq = $2'), [room, seq]);
  return (await load(db, rows))[0];
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  client.on('error', () => {}); // its failing query says it all
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS live_chat_migrations (version INT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM live_chat_migrations');
    const applied = new Set(rows.map((r) => r.version));
    for (const [index, sql] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (applied.has(version)) continue;
      await client.query('BEGIN');
      await client.query(sql);
      await client.query('INSERT INTO live_chat_migrations (version) VALUES ($1)', [version]);
      await client.query('COMMIT');
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

const UNIQUE_VIOLATION = '23505';

/**
 * PostgreSQL through `pg`: shared by every relay of a cluster. A room's next
 * seq is taken from its `rooms` row in the same transaction as the insert, so
 * concurrent senders on several relays get 1, 2, 3 … with no gap (a failed
 * insert rolls its number back) and no duplicate.
 */
export async function openPostgresStore(url: string): Promise<Store> {
  // An upgrade of pg that moved what postgres-transaction.ts reads stops the relay here, in one line.
  checkPg();
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Fail fast when the database is down: the client is told `unavailable` and retries.
    connectionTimeoutMillis: 2000,
    query_timeout: 5000,
  });
  // An idle client losing its connection must not crash the relay; the next query reconnects.
  pool.on('error', () => {});
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw new StorageError(error);
  }

  async function query<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      return (await pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw new StorageError(error);
    }
  }

  async function loaded(rows: Row[]): Promise<Message[]> {
    try {
      return await load(pool, rows);
    } catch (error) {
      throw new StorageError(error);
    }
  }

  const findOriginal = (client: Queryable, room: string, authorId: string, clientMsgId: string) =>
    client.query<Row>(withParent('SELECT * FROM messages WHERE room = $1 AND author_id = $2 AND client_msg_id = $3'), [
      room,
      authorId,
      clientMsgId,
    ]);

  async function append(input: NewMessage, outbox?: Outbox): Promise<AppendResult> {
    try {
      return await inTransaction(pool, async (client) => {
        const existing = await findOriginal(client, input.room, input.author.id, input.clientMsgId);
        if (existing.rows[0]) return { message: (await load(client, existing.rows))[0]!, duplicate: true };
        const { rows } = await client.query<{ last_seq: string; rev: string }>(
          `INSERT INTO rooms (room, last_seq, rev, messages, last_message_at) VALUES ($1, 1, 1, 1, $2)
           ON CONFLICT (room) DO UPDATE SET last_seq = rooms.last_seq + 1, rev = rooms.rev + 1, messages = rooms.messages + 1,
             last_message_at = GREATEST(rooms.last_message_at, $2)
           RETURNING last_seq, rev`,
          [input.room, input.ts],
        );
        const seq = Number(rows[0]!.last_seq);
        await client.query(
          `INSERT INTO messages (room, seq, id, text, author_id, author, ts, client_msg_id, rev, reply_to, mentions)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            input.room,
            seq,
            randomUUID(),
            input.text,
            input.author.id,
            input.author,
            input.ts,
            input.clientMsgId,
            rows[0]!.rev,
            input.replyTo ?? null,
            input.mentions?.length ? JSON.stringify(input.mentions) : null,
          ],
        );
        const message = (await loadOne(client, input.room, seq))!;
        if (outbox) await queue(client, outbox(message));
        return { message, duplicate: false };
      });
    } catch (error) {
      // The same retry raced us on another relay and won: return its message.
      if (((error as Error).cause as { code?: string } | undefined)?.code === UNIQUE_VIOLATION) {
        const original = await findOriginal(pool, input.room, input.author.id, input.clientMsgId)
          .then(({ rows }) => load(pool, rows))
          .catch(() => []);
        if (original[0]) return { message: original[0], duplicate: true };
      }
      throw error;
    }
  }

  /**
   * Runs `change` in one transaction on one connection. A change first locks
   * its message's row, then takes the room's next rev from the `rooms` row,
   * which it holds until commit: so revs are committed in order on every
   * relay, and a reader that sees rev N has every change up to N.
   */
  const transaction = <T>(change: (client: pg.PoolClient) => Promise<T>) => inTransaction(pool, change);

  /** Locks a message's row; true when it exists and is not deleted. */
  const lockLive = async (client: pg.PoolClient, room: string, seq: number) => {
    const { rows } = await client.query<{ deleted: boolean }>(
      'SELECT deleted FROM messages WHERE room = $1 AND seq = $2 FOR UPDATE',
      [room, seq],
    );
    return rows.length > 0 && !rows[0]!.deleted;
  };
  const nextRev = async (client: pg.PoolClient, room: string) => {
    const { rows } = await client.query<{ rev: string }>('UPDATE rooms SET rev = rev + 1 WHERE room = $1 RETURNING rev', [room]);
    return Number(rows[0]!.rev);
  };

  /** The changed message, its event queued in the transaction when there is an outbox. */
  const told = async (client: pg.PoolClient, room: string, seq: number, outbox?: Outbox) => {
    const message = (await loadOne(client, room, seq))!;
    if (outbox) await queue(client, outbox(message));
    return message;
  };

  /** Locks the rooms' webhook rows, in one order (no deadlock between relays), and runs `then`. */
  const withRooms = <T>(rooms: string[], then: (client: pg.PoolClient) => Promise<T>) =>
    transaction(async (client) => {
      await client.query('SELECT 1 FROM webhook_rooms WHERE room = ANY($1::text[]) ORDER BY room FOR UPDATE', [[...new Set(rooms)]]);
      return then(client);
    });

  return {
    append,
    async latest(room, limit) {
      const rows = await query<Row>(
        withParent('SELECT * FROM messages WHERE room = $1 ORDER BY seq DESC LIMIT $2'),
        [room, limit],
      );
      return loaded(rows);
    },
    async after(room, since, limit) {
      const rows = await query<Row>(withParent('SELECT * FROM messages WHERE room = $1 AND seq > $2 ORDER BY seq LIMIT $3'), [
        room,
        since,
        limit + 1,
      ]);
      return { messages: await loaded(rows.slice(0, limit)), truncated: rows.length > limit };
    },
    async before(room, seq, limit) {
      const rows = await query<Row>(
        withParent('SELECT * FROM messages WHERE room = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3'),
        [room, seq, limit + 1],
      );
      return { messages: await loaded(rows.slice(-limit)), hasMore: rows.length > limit };
    },
    async find(room, authorId, clientMsgId) {
      try {
        return (await load(pool, (await findOriginal(pool, room, authorId, clientMsgId)).rows))[0];
      } catch (error) {
        throw new StorageError(error);
      }
    },
    async get(room, seq) {
      try {
        return await loadOne(pool, room, seq);
      } catch (error) {
        throw new StorageError(error);
      }
    },
    markDeleted: (room, seq, outbox) =>
      transaction(async (client) => {
        if (!(await lockLive(client, room, seq))) return undefined;
        const rev = await nextRev(client, room);
        await client.query(
          "UPDATE messages SET text = '', deleted = true, mentions = NULL, rev = $3 WHERE room = $1 AND seq = $2",
          [room, seq, rev],
        );
        await client.query('DELETE FROM reactions WHERE room = $1 AND seq = $2', [room, seq]);
        await client.query('UPDATE rooms SET messages = GREATEST(messages - 1, 0) WHERE room = $1', [room]);
        await scrubQueued(client, room, seq);
        return told(client, room, seq, outbox);
      }),
    edit: (room, seq, text, editedAt, outbox) =>
      transaction(async (client) => {
        if (!(await lockLive(client, room, seq))) return undefined;
        const rev = await nextRev(client, room);
        await client.query('UPDATE messages SET text = $3, edited_at = $4, rev = $5 WHERE room = $1 AND seq = $2', [
          room,
          seq,
          text,
          editedAt,
          rev,
        ]);
        return told(client, room, seq, outbox);
      }),
    react: (room, seq, memberId, emoji, on, outbox) =>
      transaction(async (client) => {
        // The message's row lock orders every reaction to it, on every relay.
        if (!(await lockLive(client, room, seq))) return undefined;
        const { rows } = await client.query(
          'SELECT 1 FROM reactions WHERE room = $1 AND seq = $2 AND member_id = $3 AND emoji = $4',
          [room, seq, memberId, emoji],
        );
        if ((rows.length > 0) === on) return { message: (await loadOne(client, room, seq))!, changed: false };
        const rev = await nextRev(client, room);
        if (on) {
          await client.query('INSERT INTO reactions (room, seq, member_id, emoji, rev) VALUES ($1, $2, $3, $4, $5)', [
            room,
            seq,
            memberId,
            emoji,
            rev,
          ]);
        } else {
          await client.query('DELETE FROM reactions WHERE room = $1 AND seq = $2 AND member_id = $3 AND emoji = $4', [
            room,
            seq,
            memberId,
            emoji,
          ]);
        }
        await client.query('UPDATE messages SET rev = $3 WHERE room = $1 AND seq = $2', [room, seq, rev]);
        return { message: await told(client, room, seq, outbox), changed: true };
      }),
    async changed(room, sinceRev, belowSeq, limit) {
      const rows = await query<Row>(
        withParent('SELECT * FROM messages WHERE room = $1 AND seq < $2 AND rev > $3 ORDER BY rev LIMIT $4', 'm.rev'),
        [room, belowSeq, sinceRev, limit + 1],
      );
      return { messages: await loaded(rows.slice(0, limit)), truncated: rows.length > limit };
    },
    async reactionsBy(room, memberId, seqs) {
      if (seqs.length === 0) return [];
      const rows = await query<{ seq: string; emoji: string }>(
        'SELECT seq, emoji FROM reactions WHERE room = $1 AND member_id = $2 AND seq = ANY($3::bigint[]) ORDER BY seq, rev',
        [room, memberId, seqs],
      );
      return rows.map((r) => ({ seq: Number(r.seq), emoji: r.emoji }));
    },
    async authors(room, ids) {
      if (ids.length === 0) return [];
      const rows = await query<{ author: Member }>(
        `SELECT DISTINCT ON (author_id) author FROM messages
         WHERE room = $1 AND author_id = ANY($2::text[]) ORDER BY author_id, seq DESC`,
        [room, ids],
      );
      return rows.map((r) => r.author);
    },
    async revision(room) {
      const [row] = await query<{ rev: string }>('SELECT rev FROM rooms WHERE room = $1', [room]);
      return row ? Number(row.rev) : 0;
    },
    async rooms({ limit, contains }) {
      // By last activity, through rooms_activity: rooms never written in (NULL) last.
      const rows = await query<{ room: string; messages: string; last_seq: string; last_message_at: string | null }>(
        `SELECT room, messages, last_seq, last_message_at FROM rooms
         WHERE $1 = '' OR strpos(lower(room), lower($1)) > 0
         ORDER BY last_message_at DESC NULLS LAST, room LIMIT $2`,
        [contains ?? '', limit],
      );
      return rows.map((row) => ({
        room: row.room,
        messages: Number(row.messages),
        lastSeq: Number(row.last_seq),
        lastMessageAt: row.last_message_at === null ? null : Number(row.last_message_at),
      }));
    },
    ...moderationStore(pool, query),
    ...memberStore(query),
    async removeOlderThan(before, limit) {
      // One statement a batch: the messages and their reactions go together.
      const [row] = await query<{ removed: string }>(
        `WITH gone AS (
           DELETE FROM messages WHERE (room, seq) IN (SELECT room, seq FROM messages WHERE ts < $1 ORDER BY ts LIMIT $2)
           RETURNING room, seq, deleted
         ), reactions_gone AS (
           DELETE FROM reactions r USING gone WHERE r.room = gone.room AND r.seq = gone.seq
         ), uncounted AS (
           -- The room list counts the messages not deleted.
           UPDATE rooms SET messages = rooms.messages - c.n
           FROM (SELECT room, count(*) AS n FROM gone WHERE NOT deleted GROUP BY room) c
           WHERE rooms.room = c.room
         )
         SELECT count(*) AS removed FROM gone`,
        [before, limit],
      );
      return Number(row?.removed ?? 0);
    },
    async lastSeq(room) {
      const [row] = await query<{ last_seq: string }>('SELECT last_seq FROM rooms WHERE room = $1', [room]);
      return row ? Number(row.last_seq) : 0;
    },
    enqueueWebhooks: (events) =>
      transaction(async (client) => {
        for (const event of events) await queue(client, event);
      }),
    async claimWebhooks(relay, now, leaseMs, limit, perRoom = 1) {
      // SKIP LOCKED: a room another relay is claiming (or an event being
      // queued into) right now is left to it; its row is checked again once
      // locked, so a claim just taken elsewhere is never taken twice.
      const claimed = await query<{ room: string }>(
        `UPDATE webhook_rooms r SET claimed_by = $1, claimed_until = $2
         FROM (SELECT room FROM webhook_rooms
               WHERE next_at <= $3 AND (claimed_until IS NULL OR claimed_until <= $3)
               ORDER BY next_at LIMIT $4 FOR UPDATE SKIP LOCKED) due
         WHERE r.room = due.room
         RETURNING r.room`,
        [relay, now + leaseMs, now, limit],
      );
      if (claimed.length === 0) return [];
      const rooms = claimed.map((r) => r.room);
      // Each room's first events through its (room, id) index, however many wait.
      const heads = await query<WebhookRow>(
        `SELECT e.* FROM unnest($1::text[]) AS claimed(room)
         CROSS JOIN LATERAL (SELECT * FROM webhook_events WHERE room = claimed.room ORDER BY id LIMIT $2) e
         ORDER BY e.room, e.id`,
        [rooms, perRoom],
      );
      const empty = rooms.filter((room) => !heads.some((h) => h.room === room));
      // Claimed with nothing left to send (a stale row): nothing waits there now.
      if (empty.length > 0) {
        await withRooms(empty, async (client) => {
          for (const room of empty) await release(client, relay, room, now);
        });
      }
      return heads.map(toWebhook);
    },
    settleWebhooks: (relay, outcomes, now) =>
      withRooms(
        outcomes.map((o) => o.room),
        async (client) => {
          for (const [room, { done, failed, next }] of settlement(outcomes, now)) {
            if (done.length > 0) await client.query('DELETE FROM webhook_events WHERE id = ANY($1::bigint[])', [done]);
            if (failed.length > 0) await client.query('UPDATE webhook_events SET attempts = attempts + 1 WHERE id = ANY($1::bigint[])', [failed]);
            await release(client, relay, room, next);
          }
        },
      ),
    async resumeWebhooks(now) {
      // Other relays may be delivering: their live claims are left alone.
      await query(
        `INSERT INTO webhook_rooms (room, next_at) SELECT DISTINCT room, $1::bigint FROM webhook_events
         ON CONFLICT (room) DO UPDATE SET next_at = excluded.next_at
         WHERE webhook_rooms.claimed_until IS NULL OR webhook_rooms.claimed_until <= excluded.next_at`,
        [now],
      );
    },
    async webhookQueue() {
      const [row] = await query<{ depth: string; oldest: string | null }>(
        'SELECT COUNT(*) AS depth, MIN(ts) AS oldest FROM webhook_events',
        [],
      );
      return { depth: Number(row!.depth), oldestTs: row!.oldest === null ? null : Number(row!.oldest) };
    },
    async ping() {
      await query('SELECT 1', []);
    },
    async close() {
      await pool.end();
    },
  };
}
