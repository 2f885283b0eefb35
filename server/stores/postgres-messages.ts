import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Member, Message } from '../../protocol/index.js';
import { attachReactions, replyPreview } from './shape.js';
import { inTransaction, type Query, type Queryable } from './postgres-transaction.js';
import { queue, scrubQueued } from './postgres-webhooks.js';
import { StorageError, type AppendResult, type MessageStore, type NewMessage, type Outbox } from './store.js';

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

const UNIQUE_VIOLATION = '23505';

/**
 * The messages of the PostgreSQL store. A room's next seq is taken from its
 * `rooms` row in the same transaction as the insert, so concurrent senders on
 * several relays get 1, 2, 3 … with no gap (a failed insert rolls its number
 * back) and no duplicate; each change and its webhook event are written in
 * one transaction.
 */
export function messageStore(pool: pg.Pool, query: Query): MessageStore {
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
  };
}
