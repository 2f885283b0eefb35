import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Member, Message } from '../../protocol/index.js';
import { moderationStore } from './sqlite-moderation.js';
import { StorageError, type AppendResult, type NewMessage, type Store } from './store.js';

interface Row {
  id: string;
  room: string;
  seq: number;
  text: string;
  author: string;
  ts: number;
  client_msg_id: string | null;
  deleted: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS messages (
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
  ) WITHOUT ROWID;
`;

function toMessage(row: Row): Message {
  const message: Message = {
    id: row.id,
    room: row.room,
    seq: row.seq,
    text: row.text,
    author: JSON.parse(row.author) as Member,
    ts: row.ts,
  };
  if (row.client_msg_id !== null) message.clientMsgId = row.client_msg_id;
  if (row.deleted) message.deleted = true;
  return message;
}

/** `sqlite:<file>` or `sqlite::memory:` → the path better-sqlite3 opens. */
export function sqlitePath(url: string): string {
  const path = url.slice('sqlite:'.length);
  return path === ':memory:' ? ':memory:' : path;
}

/**
 * SQLite through better-sqlite3: synchronous, so each append is atomic within
 * this process, which is the only writer (WAL lets readers run alongside).
 */
export function openSqliteStore(url: string): Store {
  const path = sqlitePath(url);
  let db: Database.Database;
  let moderation: ReturnType<typeof moderationStore>;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    // WAL: readers never wait on the writer; NORMAL sync is durable across
    // process crashes (only a power cut may lose the last transactions).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    moderation = moderationStore(db, guard);
    // From now on a locked database fails at once: better-sqlite3 is
    // synchronous, so waiting inside SQLite would freeze the whole relay.
    // `guard` waits instead, between attempts, with the event loop free.
    db.pragma('busy_timeout = 0');
  } catch (error) {
    throw new StorageError(error);
  }

  const findByClientMsgId = db.prepare<[string, string, string], Row>(
    'SELECT * FROM messages WHERE room = ? AND author_id = ? AND client_msg_id = ?',
  );
  const maxSeq = db.prepare<[string], { seq: number | null }>('SELECT MAX(seq) AS seq FROM messages WHERE room = ?');
  const insert = db.prepare(
    `INSERT INTO messages (room, seq, id, text, author_id, author, ts, client_msg_id)
     VALUES (@room, @seq, @id, @text, @authorId, @author, @ts, @clientMsgId)`,
  );
  const latest = db.prepare<[string, number], Row>(
    'SELECT * FROM (SELECT * FROM messages WHERE room = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq',
  );
  const after = db.prepare<[string, number, number], Row>(
    'SELECT * FROM messages WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  const before = db.prepare<[string, number, number], Row>(
    'SELECT * FROM (SELECT * FROM messages WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?) ORDER BY seq',
  );

  const getOne = db.prepare<[string, number], Row>('SELECT * FROM messages WHERE room = ? AND seq = ?');
  const markDeleted = db.prepare<[string, number]>(
    "UPDATE messages SET text = '', deleted = 1 WHERE room = ? AND seq = ?",
  );

  const lastSeq = (room: string) => maxSeq.get(room)?.seq ?? 0;

  const appendOne = (input: NewMessage): AppendResult => {
    const existing = findByClientMsgId.get(input.room, input.author.id, input.clientMsgId);
    if (existing) return { message: toMessage(existing), duplicate: true };
    const message: Message = {
      id: randomUUID(),
      room: input.room,
      seq: lastSeq(input.room) + 1,
      text: input.text,
      author: input.author,
      ts: input.ts,
      clientMsgId: input.clientMsgId,
    };
    insert.run({
      ...message,
      authorId: input.author.id,
      author: JSON.stringify(input.author),
    });
    return { message, duplicate: false };
  };

  /**
   * Appends that arrive together (sends read from several sockets in one turn
   * of the event loop) share one transaction, since the commit, not the
   * insert, is most of an append's cost. Each still gets its own result; a
   * failure fails the whole batch, and every sender's retry is idempotent.
   * One batch is written at a time, in order: while one waits out a lock,
   * the next gathers behind it, so one member's messages keep their order.
   */
  const appendAll = db.transaction((inputs: NewMessage[]) => inputs.map(appendOne));
  let waiting: { input: NewMessage; resolve: (result: AppendResult) => void; reject: (error: unknown) => void }[] = [];
  let draining = false;
  const drain = async () => {
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        const results = await guard(() => appendAll.immediate(batch.map((w) => w.input)));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        batch.forEach((w) => w.reject(error));
      }
    }
    draining = false;
  };
  const append = (input: NewMessage) =>
    new Promise<AppendResult>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      if (!draining) {
        draining = true;
        setImmediate(drain);
      }
    });

  return {
    append,
    latest: (room, limit) => guard(() => latest.all(room, limit).map(toMessage)),
    after: (room, since, limit) =>
      guard(() => {
        // One row more than asked tells whether the client missed more.
        const rows = after.all(room, since, limit + 1);
        return { messages: rows.slice(0, limit).map(toMessage), truncated: rows.length > limit };
      }),
    before: (room, seq, limit) =>
      guard(() => {
        const rows = before.all(room, seq, limit + 1);
        return { messages: rows.slice(-limit).map(toMessage), hasMore: rows.length > limit };
      }),
    find: (room, authorId, clientMsgId) =>
      guard(() => {
        const row = findByClientMsgId.get(room, authorId, clientMsgId);
        return row && toMessage(row);
      }),
    get: (room, seq) =>
      guard(() => {
        const row = getOne.get(room, seq);
        return row && toMessage(row);
      }),
    markDeleted: (room, seq) => guard(() => markDeleted.run(room, seq).changes > 0),
    ...moderation,
    lastSeq: (room) => guard(() => lastSeq(room)),
    ping: () => guard(() => void db.prepare('SELECT 1').get()),
    async close() {
      if (db.open) db.close();
    },
  };
}

/**
 * How long a call waits for a database another process holds locked (a
 * backup, a migration, an operator's `BEGIN EXCLUSIVE`) before it answers
 * `unavailable`. The old blocking busy_timeout was the same 5 s.
 */
export const LOCK_DEADLINE_MS = 5000;

const locked = (error: unknown) => /^SQLITE_(BUSY|LOCKED)/.test((error as { code?: string })?.code ?? '');

/**
 * Runs a synchronous SQLite call, turning its failures into StorageError
 * (`unavailable`). While the database is locked it tries again, 5 ms then
 * up to 100 ms apart, until LOCK_DEADLINE_MS: a locked call has written
 * nothing (each is one statement or one transaction), so trying again is safe.
 */
async function guard<T>(fn: () => T): Promise<T> {
  const deadline = Date.now() + LOCK_DEADLINE_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      return fn();
    } catch (error) {
      if (!locked(error) || Date.now() + wait > deadline) throw new StorageError(error);
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
