import type pg from 'pg';
import { MODERATION_MIGRATION, REPORT_RESOLUTION_MIGRATION, REPORTS_PAGING_MIGRATION } from './postgres-moderation.js';

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
  REPORT_RESOLUTION_MIGRATION,
];

const MIGRATION_LOCK = 7_231_994; // any constant shared by all relays

/** Applies the migrations not yet recorded, each in its own transaction, one relay at a time. */
export async function migrate(pool: pg.Pool): Promise<void> {
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
