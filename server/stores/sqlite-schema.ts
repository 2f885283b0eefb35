import type Database from 'better-sqlite3';

/**
 * The schema, one step a version, applied in order at open (the version is
 * SQLite's `PRAGMA user_version`). Version 1 is the schema from before
 * versions were recorded: its `IF NOT EXISTS` lets a database of that time
 * (user_version 0, tables present) count as version 1 and go on from there.
 */
export const MIGRATIONS = [
  `CREATE TABLE IF NOT EXISTS messages (
    room          TEXT    NOT NULL,
    seq           INTEGER NOT NULL,
    id            TEXT    NOT NULL UNIQUE,
    text          TEXT    NOT NULL,
    author_id     TEXT    NOT NULL,
    author        TEXT    NOT NULL, -- the Member as JSON, as it was when sent
    ts            INTEGER NOT NULL,
    client_msg_id TEXT,
    deleted       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (room, seq)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX IF NOT EXISTS messages_idempotence
    ON messages (room, author_id, client_msg_id) WHERE client_msg_id IS NOT NULL;
  CREATE TABLE IF NOT EXISTS bans (
    room      TEXT    NOT NULL,
    member_id TEXT    NOT NULL,
    until     INTEGER NOT NULL,
    PRIMARY KEY (room, member_id)
  ) WITHOUT ROWID;`,
  // Conversation v2: revisions, edits, replies, mentions, reactions. A room's
  // seq and rev now live in \`rooms\`, so a seq is never given twice even once
  // its messages are removed. Existing messages take rev = seq, their rooms
  // rev = last seq: every rev a client holds stays below what comes next.
  `ALTER TABLE messages ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN edited_at INTEGER;
  ALTER TABLE messages ADD COLUMN reply_to INTEGER; -- the parent's seq, same room
  ALTER TABLE messages ADD COLUMN mentions TEXT;    -- Member[] as JSON
  UPDATE messages SET rev = seq;
  CREATE INDEX messages_rev ON messages (room, rev);
  CREATE INDEX messages_author ON messages (room, author_id, seq);
  CREATE TABLE rooms (
    room     TEXT    NOT NULL PRIMARY KEY,
    last_seq INTEGER NOT NULL,
    rev      INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO rooms (room, last_seq, rev) SELECT room, MAX(seq), MAX(seq) FROM messages GROUP BY room;
  CREATE TABLE reactions (
    room      TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    member_id TEXT    NOT NULL,
    emoji     TEXT    NOT NULL,
    rev       INTEGER NOT NULL, -- the room's rev when reacted: orders emoji by first reaction
    PRIMARY KEY (room, seq, member_id, emoji)
  ) WITHOUT ROWID;`,
  // The admin API's room list (GET /api/rooms): each room's count of messages
  // not deleted and its last message's time, kept with its seq, and an index
  // by last activity, so the busiest rooms are read first without a scan of
  // messages however many rooms there are.
  `ALTER TABLE rooms ADD COLUMN messages INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE rooms ADD COLUMN last_message_at INTEGER;
  UPDATE rooms SET
    messages = (SELECT COUNT(*) FROM messages m WHERE m.room = rooms.room AND m.deleted = 0),
    last_message_at = (SELECT MAX(ts) FROM messages m WHERE m.room = rooms.room);
  CREATE INDEX rooms_activity ON rooms (last_message_at DESC, room);`,
  // Retention (RETENTION_DAYS) finds the oldest messages by time.
  `CREATE INDEX messages_ts ON messages (ts);`,
  // Outgoing webhooks: the queue of events (deleted once delivered or
  // dropped; the rowid orders a room's events) and, per room, when its first
  // event may be tried and which relay holds it.
  `CREATE TABLE webhook_events (
    id         INTEGER PRIMARY KEY,
    webhook_id TEXT    NOT NULL,
    room       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    ts         INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX webhook_events_room ON webhook_events (room, id);
  CREATE TABLE webhook_rooms (
    room          TEXT    NOT NULL PRIMARY KEY,
    next_at       INTEGER, -- NULL: no event waiting
    claimed_by    TEXT,
    claimed_until INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX webhook_rooms_due ON webhook_rooms (next_at) WHERE next_at IS NOT NULL;`,
  // Names a guest cannot fake (v3): the keys of verified members' names
  // (chat/names.ts), each with when such a member last joined, per site.
  `CREATE TABLE verified_names (
    site      TEXT    NOT NULL DEFAULT 'default',
    name_key  TEXT    NOT NULL,
    last_join INTEGER NOT NULL,
    PRIMARY KEY (site, name_key)
  ) WITHOUT ROWID;`,
  // The console's overview: members online at each minute's start, as each
  // relay counted its own (summed when read); kept two days.
  `CREATE TABLE online_samples (
    minute  INTEGER NOT NULL, -- ms since the epoch, a minute's start
    relay   TEXT    NOT NULL,
    members INTEGER NOT NULL,
    PRIMARY KEY (minute, relay)
  ) WITHOUT ROWID;`,
];

/** Brings a database to the newest version, all steps in one transaction (so a failed upgrade leaves it as it was). */
export function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(`the database is at schema version ${version}, newer than this relay's ${MIGRATIONS.length}; upgrade the relay`);
    }
    for (const sql of MIGRATIONS.slice(version)) db.exec(sql);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

/** `sqlite:<file>` or `sqlite::memory:` → the path better-sqlite3 opens. */
export function sqlitePath(url: string): string {
  const path = url.slice('sqlite:'.length);
  return path === ':memory:' ? ':memory:' : path;
}
