import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Member, Message } from '../../protocol/index.js';
import { moderationStore, MODERATION_MIGRATION } from './postgres-moderation.js';
import { StorageError, type AppendResult, type NewMessage, type Store } from './store.js';

interface Row {
  id: string;
  room: string;
  seq: string; // bigint comes back as text
  text: string;
  author: Member;
  ts: string;
  client_msg_id: string | null;
  deleted: boolean;
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
  MODERATION_MIGRATION,
];

const MIGRATION_LOCK = 7_231_994; // any constant shared by all relays

function toMessage(row: Row): Message {
  const message: Message = {
    id: row.id,
    room: row.room,
    seq: Number(row.seq),
    text: row.text,
    author: row.author,
    ts: Number(row.ts),
  };
  if (row.client_msg_id !== null) message.clientMsgId = row.client_msg_id;
  if (row.deleted) message.deleted = true;
  return message;
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

/** Whether a pooled client's connection is still usable. */
function isHealthy(client: pg.PoolClient): boolean {
  const connection = (client as unknown as { connection?: { stream?: { destroyed?: boolean } } }).connection;
  return !connection?.stream?.destroyed;
}

/**
 * PostgreSQL through `pg`: shared by every relay of a cluster. A room's next
 * seq is taken from its `rooms` row in the same transaction as the insert, so
 * concurrent senders on several relays get 1, 2, 3 … with no gap (a failed
 * insert rolls its number back) and no duplicate.
 */
export async function openPostgresStore(url: string): Promise<Store> {
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

  const findOriginal = (client: pg.PoolClient | pg.Pool, room: string, authorId: string, clientMsgId: string) =>
    client.query<Row>('SELECT * FROM messages WHERE room = $1 AND author_id = $2 AND client_msg_id = $3', [
      room,
      authorId,
      clientMsgId,
    ]);

  async function append(input: NewMessage): Promise<AppendResult> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw new StorageError(error);
    }
    // A checked-out client whose connection drops emits 'error' besides
    // failing its query; unheard, that event would end the process.
    const ignore = () => {};
    client.on('error', ignore);
    try {
      const existing = await findOriginal(client, input.room, input.author.id, input.clientMsgId);
      if (existing.rows[0]) return { message: toMessage(existing.rows[0]), duplicate: true };
      await client.query('BEGIN');
      const { rows } = await client.query<{ last_seq: string }>(
        `INSERT INTO rooms (room, last_seq) VALUES ($1, 1)
         ON CONFLICT (room) DO UPDATE SET last_seq = rooms.last_seq + 1
         RETURNING last_seq`,
        [input.room],
      );
      const message: Message = {
        id: randomUUID(),
        room: input.room,
        seq: Number(rows[0]!.last_seq),
        text: input.text,
        author: input.author,
        ts: input.ts,
        clientMsgId: input.clientMsgId,
      };
      await client.query(
        `INSERT INTO messages (room, seq, id, text, author_id, author, ts, client_msg_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [message.room, message.seq, message.id, message.text, input.author.id, input.author, message.ts, input.clientMsgId],
      );
      await client.query('COMMIT');
      return { message, duplicate: false };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      // The same retry raced us on another relay and won: return its message.
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        const original = await findOriginal(pool, input.room, input.author.id, input.clientMsgId).catch(() => undefined);
        if (original?.rows[0]) return { message: toMessage(original.rows[0]), duplicate: true };
      }
      throw new StorageError(error);
    } finally {
      client.off('error', ignore);
      // A broken connection is dropped from the pool rather than reused.
      client.release(!isHealthy(client));
    }
  }

  return {
    append,
    async latest(room, limit) {
      const rows = await query<Row>(
        'SELECT * FROM (SELECT * FROM messages WHERE room = $1 ORDER BY seq DESC LIMIT $2) m ORDER BY seq',
        [room, limit],
      );
      return rows.map(toMessage);
    },
    async after(room, since, limit) {
      const rows = await query<Row>('SELECT * FROM messages WHERE room = $1 AND seq > $2 ORDER BY seq LIMIT $3', [
        room,
        since,
        limit + 1,
      ]);
      return { messages: rows.slice(0, limit).map(toMessage), truncated: rows.length > limit };
    },
    async before(room, seq, limit) {
      const rows = await query<Row>(
        'SELECT * FROM (SELECT * FROM messages WHERE room = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3) m ORDER BY seq',
        [room, seq, limit + 1],
      );
      return { messages: rows.slice(-limit).map(toMessage), hasMore: rows.length > limit };
    },
    async find(room, authorId, clientMsgId) {
      try {
        const [row] = (await findOriginal(pool, room, authorId, clientMsgId)).rows;
        return row && toMessage(row);
      } catch (error) {
        throw new StorageError(error);
      }
    },
    async get(room, seq) {
      const [row] = await query<Row>('SELECT * FROM messages WHERE room = $1 AND seq = $2', [room, seq]);
      return row && toMessage(row);
    },
    async markDeleted(room, seq) {
      const rows = await query(
        "UPDATE messages SET text = '', deleted = true WHERE room = $1 AND seq = $2 RETURNING seq",
        [room, seq],
      );
      return rows.length > 0;
    },
    ...moderationStore(pool, query),
    async lastSeq(room) {
      const [row] = await query<{ last_seq: string }>('SELECT last_seq FROM rooms WHERE room = $1', [room]);
      return row ? Number(row.last_seq) : 0;
    },
    async ping() {
      await query('SELECT 1', []);
    },
    async close() {
      await pool.end();
    },
  };
}
