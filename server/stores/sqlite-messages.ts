import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Member, Message } from '../../protocol/index.js';
import { guard } from './sqlite-guard.js';
import type { SqliteWebhooks } from './sqlite-webhooks.js';
import { attachReactions, replyPreview } from './shape.js';
import type { AppendResult, MessageStore, NewMessage, Outbox } from './store.js';

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

/**
 * The messages of the SQLite store: each change and the webhook event it
 * tells of (through `webhooks`) are written in one transaction.
 */
export function messageStore(db: Database.Database, webhooks: Pick<SqliteWebhooks, 'queue' | 'scrubQueued'>): MessageStore {
  const { queue, scrubQueued } = webhooks;
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
    removeOlderThan: (before, limit) => guard(() => removeOlderThan.immediate(before, limit)),
    lastSeq: (room) => guard(() => lastSeq(room)),
  };
}
