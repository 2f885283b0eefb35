import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Member, Message } from '../../protocol/index.js';
import { attachReactions, mentionsSeq, replyPreview, withoutDeletedText } from './shape.js';
import { moderationStore } from './sqlite-moderation.js';
import {
  StorageError,
  settlement,
  type AppendResult,
  type ClaimedWebhook,
  type NewMessage,
  type Outbox,
  type QueuedWebhook,
  type Store,
  type WebhookOutcome,
} from './store.js';

interface Row {
  id: string;
  room: string;
  seq: number;
  text: string;
  author: string;
  ts: number;
  client_msg_id: string | null;
  deleted: number;
  rev: number;
  edited_at: number | null;
  reply_to: number | null;
  mentions: string | null;
  parent_author: string | null;
  parent_text: string | null;
}

interface WebhookRow {
  id: number;
  webhook_id: string;
  room: string;
  type: string;
  body: string;
  ts: number;
  attempts: number;
}

const toWebhook = (row: WebhookRow): ClaimedWebhook => ({
  id: row.id,
  webhookId: row.webhook_id,
  room: row.room,
  type: row.type,
  body: row.body,
  ts: row.ts,
  attempts: row.attempts,
});

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
];

/** Brings a database to the newest version, all steps in one transaction (so a failed upgrade leaves it as it was). */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(`the database is at schema version ${version}, newer than this relay's ${MIGRATIONS.length}; upgrade the relay`);
    }
    for (const sql of MIGRATIONS.slice(version)) db.exec(sql);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

function toMessage(row: Row): Message {
  const message: Message = {
    id: row.id,
    room: row.room,
    seq: row.seq,
    text: row.text,
    author: JSON.parse(row.author) as Member,
    ts: row.ts,
    rev: row.rev,
  };
  if (row.client_msg_id !== null) message.clientMsgId = row.client_msg_id;
  if (row.deleted) message.deleted = true;
  if (row.edited_at !== null) message.editedAt = row.edited_at;
  const replyTo = replyPreview(row.reply_to, row.parent_author === null ? null : (JSON.parse(row.parent_author) as Member), row.parent_text);
  if (replyTo) message.replyTo = replyTo;
  if (row.mentions !== null) message.mentions = JSON.parse(row.mentions) as Member[];
  return message;
}

/** Reads `inner`'s messages with their parent (for `replyTo`) joined in. */
const withParent = (inner: string, order = 'm.seq') =>
  `SELECT m.*, p.author AS parent_author, p.text AS parent_text
   FROM (${inner}) m LEFT JOIN messages p ON p.room = m.room AND p.seq = m.reply_to
   ORDER BY ${order}`;

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
    migrate(db);
    moderation = moderationStore(db, guard);
    // From now on a locked database fails at once: better-sqlite3 is
    // synchronous, so waiting inside SQLite would freeze the whole relay.
    // `guard` waits instead, between attempts, with the event loop free.
    db.pragma('busy_timeout = 0');
  } catch (error) {
    throw new StorageError(error);
  }

  const findByClientMsgId = db.prepare<[string, string, string], Row>(
    withParent('SELECT * FROM messages WHERE room = ? AND author_id = ? AND client_msg_id = ?'),
  );
  const insert = db.prepare(
    `INSERT INTO messages (room, seq, id, text, author_id, author, ts, client_msg_id, rev, reply_to, mentions)
     VALUES (@room, @seq, @id, @text, @authorId, @author, @ts, @clientMsgId, @rev, @replyTo, @mentions)`,
  );
  // The room's next seq and rev, taken together for a new message.
  const nextSeq = db.prepare<[{ room: string; ts: number }], { last_seq: number; rev: number }>(
    `INSERT INTO rooms (room, last_seq, rev, messages, last_message_at) VALUES (@room, 1, 1, 1, @ts)
     ON CONFLICT (room) DO UPDATE SET last_seq = last_seq + 1, rev = rev + 1, messages = messages + 1,
       last_message_at = MAX(COALESCE(last_message_at, 0), @ts)
     RETURNING last_seq, rev`,
  );
  const uncount = db.prepare<[string]>('UPDATE rooms SET messages = MAX(messages - 1, 0) WHERE room = ?');
  // By last activity, through rooms_activity: rooms never written in (NULL) last.
  const roomList = db.prepare<[{ contains: string; limit: number }], { room: string; messages: number; last_seq: number; last_message_at: number | null }>(
    `SELECT room, messages, last_seq, last_message_at FROM rooms
     WHERE @contains = '' OR instr(lower(room), lower(@contains)) > 0
     ORDER BY last_message_at DESC, room LIMIT @limit`,
  );
  // The room's next rev alone, for a change to one of its messages.
  const nextRev = db.prepare<[string], { rev: number }>(
    `INSERT INTO rooms (room, last_seq, rev) VALUES (?, 0, 1)
     ON CONFLICT (room) DO UPDATE SET rev = rev + 1
     RETURNING rev`,
  );
  const latest = db.prepare<[string, number], Row>(
    withParent('SELECT * FROM messages WHERE room = ? ORDER BY seq DESC LIMIT ?'),
  );
  const after = db.prepare<[string, number, number], Row>(
    withParent('SELECT * FROM messages WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?'),
  );
  const before = db.prepare<[string, number, number], Row>(
    withParent('SELECT * FROM messages WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
  );
  const changedSince = db.prepare<[string, number, number, number], Row>(
    withParent('SELECT * FROM messages WHERE room = ? AND seq < ? AND rev > ? ORDER BY rev LIMIT ?', 'm.rev'),
  );
  const reactionCounts = db.prepare<[string, string], { seq: number; emoji: string; count: number }>(
    `SELECT seq, emoji, COUNT(*) AS count FROM reactions
     WHERE room = ? AND seq IN (SELECT value FROM json_each(?))
     GROUP BY seq, emoji ORDER BY seq, MIN(rev)`,
  );
  const ownReactions = db.prepare<[string, string, string], { seq: number; emoji: string }>(
    `SELECT seq, emoji FROM reactions
     WHERE room = ? AND member_id = ? AND seq IN (SELECT value FROM json_each(?))
     ORDER BY seq, rev`,
  );
  const latestAuthors = db.prepare<[string, string], { author: string; seq: number }>(
    // SQLite takes the bare column from the row holding the MAX.
    `SELECT author, MAX(seq) AS seq FROM messages
     WHERE room = ? AND author_id IN (SELECT value FROM json_each(?))
     GROUP BY author_id`,
  );

  const getOne = db.prepare<[string, number], Row>(withParent('SELECT * FROM messages WHERE room = ? AND seq = ?'));
  const state = db.prepare<[string, number], { deleted: number }>('SELECT deleted FROM messages WHERE room = ? AND seq = ?');
  const blank = db.prepare<[number, string, number]>(
    "UPDATE messages SET text = '', deleted = 1, mentions = NULL, rev = ? WHERE room = ? AND seq = ?",
  );
  const setText = db.prepare<[string, number, number, string, number]>(
    'UPDATE messages SET text = ?, edited_at = ?, rev = ? WHERE room = ? AND seq = ?',
  );
  const setRev = db.prepare<[number, string, number]>('UPDATE messages SET rev = ? WHERE room = ? AND seq = ?');
  const hasReaction = db.prepare<[string, number, string, string], { one: number }>(
    'SELECT 1 AS one FROM reactions WHERE room = ? AND seq = ? AND member_id = ? AND emoji = ?',
  );
  const addReaction = db.prepare<[string, number, string, string, number]>(
    'INSERT INTO reactions (room, seq, member_id, emoji, rev) VALUES (?, ?, ?, ?, ?)',
  );
  const removeReaction = db.prepare<[string, number, string, string]>(
    'DELETE FROM reactions WHERE room = ? AND seq = ? AND member_id = ? AND emoji = ?',
  );
  const removeReactions = db.prepare<[string, number]>('DELETE FROM reactions WHERE room = ? AND seq = ?');
  const roomState = db.prepare<[string], { last_seq: number; rev: number }>('SELECT last_seq, rev FROM rooms WHERE room = ?');

  const oldest = db.prepare<[number, number], { room: string; seq: number; deleted: number }>(
    'SELECT room, seq, deleted FROM messages WHERE ts < ? ORDER BY ts LIMIT ?',
  );
  const removeMessage = db.prepare<[string, number]>('DELETE FROM messages WHERE room = ? AND seq = ?');
  // One transaction a batch: short, so sends queued meanwhile wait milliseconds.
  const removeOlderThan = db.transaction((before: number, limit: number) => {
    const doomed = oldest.all(before, limit);
    for (const { room, seq, deleted } of doomed) {
      removeReactions.run(room, seq);
      removeMessage.run(room, seq);
      // The room list counts the messages not deleted.
      if (!deleted) uncount.run(room);
    }
    return doomed.length;
  });
  const insertWebhook = db.prepare<[string, string, string, string, number]>(
    'INSERT INTO webhook_events (webhook_id, room, type, body, ts) VALUES (?, ?, ?, ?, ?)',
  );
  // A room that had nothing waiting is due now; one waiting keeps its time (a retry's backoff).
  const wakeRoom = db.prepare<[string, number]>(
    `INSERT INTO webhook_rooms (room, next_at) VALUES (?, ?)
     ON CONFLICT (room) DO UPDATE SET next_at = COALESCE(next_at, excluded.next_at)`,
  );
  const claimRooms = db.prepare<{ relay: string; until: number; now: number; limit: number }, { room: string }>(
    `UPDATE webhook_rooms SET claimed_by = @relay, claimed_until = @until
     WHERE room IN (
       SELECT room FROM webhook_rooms
       WHERE next_at <= @now AND (claimed_until IS NULL OR claimed_until <= @now)
       ORDER BY next_at LIMIT @limit)
     RETURNING room`,
  );
  const headOf = db.prepare<[string, number], WebhookRow>('SELECT * FROM webhook_events WHERE room = ? ORDER BY id LIMIT ?');
  const removeWebhook = db.prepare<[number]>('DELETE FROM webhook_events WHERE id = ?');
  const failedWebhook = db.prepare<[number]>('UPDATE webhook_events SET attempts = attempts + 1 WHERE id = ?');
  // The relay's claim ends; the room's next event is due at `next` (now, or a retry's time), or nothing waits.
  const releaseRoom = db.prepare<{ room: string; relay: string; next: number }>(
    `UPDATE webhook_rooms SET claimed_by = NULL, claimed_until = NULL,
       next_at = CASE WHEN EXISTS (SELECT 1 FROM webhook_events WHERE room = @room) THEN @next END
     WHERE room = @room AND claimed_by = @relay`,
  );
  const resumeRooms = db.prepare<[number]>(
    `INSERT INTO webhook_rooms (room, next_at) SELECT DISTINCT room, ? FROM webhook_events WHERE true
     ON CONFLICT (room) DO UPDATE SET next_at = excluded.next_at, claimed_by = NULL, claimed_until = NULL`,
  );
  const queueState = db.prepare<[], { depth: number; oldest: number | null }>(
    'SELECT COUNT(*) AS depth, MIN(ts) AS oldest FROM webhook_events',
  );

  /** Queues an event in the transaction under way. */
  const queue = (event: QueuedWebhook) => {
    insertWebhook.run(event.webhookId, event.room, event.type, event.body, event.ts);
    wakeRoom.run(event.room, event.ts);
  };
  const enqueueWebhooks = db.transaction((events: QueuedWebhook[]) => events.forEach(queue));
  const queuedMentioning = db.prepare<[string, string], { id: number; body: string }>(
    'SELECT id, body FROM webhook_events WHERE room = ? AND body LIKE ?',
  );
  const setWebhookBody = db.prepare<[string, number]>('UPDATE webhook_events SET body = ? WHERE id = ?');
  /** Takes a message's text out of its room's events still queued, in the deletion's transaction. */
  const scrubQueued = (room: string, seq: number) => {
    for (const { id, body } of queuedMentioning.all(room, mentionsSeq(seq))) {
      const scrubbed = withoutDeletedText(body, seq);
      if (scrubbed !== undefined) setWebhookBody.run(scrubbed, id);
    }
  };
  const claimWebhooks = db.transaction((relay: string, now: number, leaseMs: number, limit: number, perRoom: number) => {
    const claimed: ClaimedWebhook[] = [];
    for (const { room } of claimRooms.all({ relay, until: now + leaseMs, now, limit })) {
      const rows = headOf.all(room, perRoom);
      if (rows.length > 0) claimed.push(...rows.map(toWebhook));
      else releaseRoom.run({ room, relay, next: now });
    }
    return claimed;
  });
  const settleWebhooks = db.transaction((relay: string, outcomes: WebhookOutcome[], now: number) => {
    for (const [room, { done, failed, next }] of settlement(outcomes, now)) {
      for (const id of done) removeWebhook.run(id);
      for (const id of failed) failedWebhook.run(id);
      releaseRoom.run({ room, relay, next });
    }
  });

  /** Rows as messages, with their reaction counts. */
  const load = (rows: Row[]): Message[] => {
    const messages = rows.map(toMessage);
    if (messages.length === 0) return messages;
    return attachReactions(messages, reactionCounts.all(messages[0]!.room, JSON.stringify(messages.map((m) => m.seq))));
  };
  const loadOne = (room: string, seq: number): Message | undefined => {
    const row = getOne.get(room, seq);
    return row && load([row])[0];
  };

  const appendOne = (input: NewMessage, outbox?: Outbox): AppendResult => {
    const existing = findByClientMsgId.get(input.room, input.author.id, input.clientMsgId);
    if (existing) return { message: load([existing])[0]!, duplicate: true };
    const { last_seq: seq, rev } = nextSeq.get({ room: input.room, ts: input.ts })!;
    const id = randomUUID();
    const author = JSON.stringify(input.author);
    const mentions = input.mentions?.length ? JSON.stringify(input.mentions) : null;
    insert.run({
      room: input.room,
      seq,
      id,
      text: input.text,
      authorId: input.author.id,
      author,
      ts: input.ts,
      clientMsgId: input.clientMsgId,
      rev,
      replyTo: input.replyTo ?? null,
      mentions,
    });
    // A new message is the row just written (no reactions yet): made as
    // toMessage reads it back, without reading it; a reply is read, for its
    // parent's preview.
    const message =
      input.replyTo !== undefined
        ? loadOne(input.room, seq)!
        : toMessage({ room: input.room, seq, id, text: input.text, author, ts: input.ts, client_msg_id: input.clientMsgId, rev, reply_to: null, mentions, deleted: 0, edited_at: null, parent_author: null, parent_text: null });
    if (outbox) queue(outbox(message));
    return { message, duplicate: false };
  };

  // Each change reads, takes the room's next rev and writes in one
  // transaction, so two changes never share a rev nor see each other half-done.
  const live = (room: string, seq: number) => {
    const row = state.get(room, seq);
    return row !== undefined && !row.deleted;
  };
  /** The changed message, its event queued when there is an outbox. */
  const told = (room: string, seq: number, outbox?: Outbox) => {
    const message = loadOne(room, seq)!;
    if (outbox) queue(outbox(message));
    return message;
  };
  const markDeleted = db.transaction((room: string, seq: number, outbox?: Outbox) => {
    if (!live(room, seq)) return undefined;
    blank.run(nextRev.get(room)!.rev, room, seq);
    uncount.run(room);
    removeReactions.run(room, seq);
    scrubQueued(room, seq);
    return told(room, seq, outbox);
  });
  const edit = db.transaction((room: string, seq: number, text: string, editedAt: number, outbox?: Outbox) => {
    if (!live(room, seq)) return undefined;
    setText.run(text, editedAt, nextRev.get(room)!.rev, room, seq);
    return told(room, seq, outbox);
  });
  const react = db.transaction((room: string, seq: number, memberId: string, emoji: string, on: boolean, outbox?: Outbox) => {
    if (!live(room, seq)) return undefined;
    const has = hasReaction.get(room, seq, memberId, emoji) !== undefined;
    if (has === on) return { message: loadOne(room, seq)!, changed: false };
    const { rev } = nextRev.get(room)!;
    if (on) addReaction.run(room, seq, memberId, emoji, rev);
    else removeReaction.run(room, seq, memberId, emoji);
    setRev.run(rev, room, seq);
    return { message: told(room, seq, outbox), changed: true };
  });

  const lastSeq = (room: string) => roomState.get(room)?.last_seq ?? 0;

  /**
   * Appends that arrive together (sends read from several sockets in one turn
   * of the event loop) share one transaction, since the commit, not the
   * insert, is most of an append's cost. Each still gets its own result; a
   * failure fails the whole batch, and every sender's retry is idempotent.
   * One batch is written at a time, in order: while one waits out a lock,
   * the next gathers behind it, so one member's messages keep their order.
   */
  type Waiting = { input: NewMessage; outbox?: Outbox; resolve: (result: AppendResult) => void; reject: (error: unknown) => void };
  const appendAll = db.transaction((batch: Waiting[]) => batch.map((w) => appendOne(w.input, w.outbox)));
  let waiting: Waiting[] = [];
  let draining = false;
  const drain = async () => {
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        const results = await guard(() => appendAll.immediate(batch));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        batch.forEach((w) => w.reject(error));
      }
    }
    draining = false;
  };
  const append = (input: NewMessage, outbox?: Outbox) =>
    new Promise<AppendResult>((resolve, reject) => {
      waiting.push({ input, outbox, resolve, reject });
      if (!draining) {
        draining = true;
        setImmediate(drain);
      }
    });

  return {
    append,
    latest: (room, limit) => guard(() => load(latest.all(room, limit))),
    after: (room, since, limit) =>
      guard(() => {
        // One row more than asked tells whether the client missed more.
        const rows = after.all(room, since, limit + 1);
        return { messages: load(rows.slice(0, limit)), truncated: rows.length > limit };
      }),
    before: (room, seq, limit) =>
      guard(() => {
        const rows = before.all(room, seq, limit + 1);
        return { messages: load(rows.slice(-limit)), hasMore: rows.length > limit };
      }),
    find: (room, authorId, clientMsgId) =>
      guard(() => {
        const row = findByClientMsgId.get(room, authorId, clientMsgId);
        return row && load([row])[0];
      }),
    get: (room, seq) => guard(() => loadOne(room, seq)),
    markDeleted: (room, seq, outbox) => guard(() => markDeleted.immediate(room, seq, outbox)),
    edit: (room, seq, text, editedAt, outbox) => guard(() => edit.immediate(room, seq, text, editedAt, outbox)),
    react: (room, seq, memberId, emoji, on, outbox) => guard(() => react.immediate(room, seq, memberId, emoji, on, outbox)),
    changed: (room, sinceRev, belowSeq, limit) =>
      guard(() => {
        const rows = changedSince.all(room, belowSeq, sinceRev, limit + 1);
        return { messages: load(rows.slice(0, limit)), truncated: rows.length > limit };
      }),
    reactionsBy: (room, memberId, seqs) =>
      guard(() => (seqs.length === 0 ? [] : ownReactions.all(room, memberId, JSON.stringify(seqs)))),
    authors: (room, ids) =>
      guard(() =>
        ids.length === 0 ? [] : latestAuthors.all(room, JSON.stringify(ids)).map((row) => JSON.parse(row.author) as Member),
      ),
    revision: (room) => guard(() => roomState.get(room)?.rev ?? 0),
    rooms: ({ limit, contains }) =>
      guard(() =>
        roomList.all({ contains: contains ?? '', limit }).map((row) => ({
          room: row.room,
          messages: row.messages,
          lastSeq: row.last_seq,
          lastMessageAt: row.last_message_at,
        })),
      ),
    ...moderation,
    removeOlderThan: (before, limit) => guard(() => removeOlderThan.immediate(before, limit)),
    lastSeq: (room) => guard(() => lastSeq(room)),
    enqueueWebhooks: (events) => guard(() => enqueueWebhooks.immediate(events)),
    claimWebhooks: (relay, now, leaseMs, limit, perRoom = 1) => guard(() => claimWebhooks.immediate(relay, now, leaseMs, limit, perRoom)),
    settleWebhooks: (relay, outcomes, now) => guard(() => settleWebhooks.immediate(relay, outcomes, now)),
    resumeWebhooks: (now) => guard(() => void resumeRooms.run(now)),
    webhookQueue: () =>
      guard(() => {
        const { depth, oldest } = queueState.get()!;
        return { depth, oldestTs: oldest };
      }),
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
