import type pg from 'pg';
import { mentionsSeq, withoutDeletedText } from './shape.js';
import { inTransaction, type Query, type Queryable } from './postgres-transaction.js';
import { settlement, type ClaimedWebhook, type QueuedWebhook, type WebhookStore } from './store.js';

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

export /** Takes a message's text out of its room's events still queued, in the deletion's transaction. */
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
export async function queue(db: Queryable, event: QueuedWebhook): Promise<void> {
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

/** The webhook queue of the PostgreSQL store, shared by every relay of a cluster. */
export function webhookStore(pool: pg.Pool, query: Query): WebhookStore {
  const transaction = <T>(change: (client: pg.PoolClient) => Promise<T>) => inTransaction(pool, change);

  /** Locks the rooms' webhook rows, in one order (no deadlock between relays), and runs `then`. */
  const withRooms = <T>(rooms: string[], then: (client: pg.PoolClient) => Promise<T>) =>
    transaction(async (client) => {
      await client.query('SELECT 1 FROM webhook_rooms WHERE room = ANY($1::text[]) ORDER BY room FOR UPDATE', [[...new Set(rooms)]]);
      return then(client);
    });

  return {
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
      // Relays before PROTOCOL v3 did not scrub at deletion: an event they
      // queued may still carry the text of a message deleted since (itself,
      // a reply's parent, a report's message). Taken out before any is sent;
      // the paths are withoutDeletedText's.
      await transaction(async (client) => {
        const { rows } = await client.query<{ id: string; body: string; seq: string }>(
          `SELECT e.id, e.body, m.seq FROM webhook_events e
           CROSS JOIN LATERAL (SELECT e.body::jsonb -> 'data' AS data) d
           JOIN messages m ON m.room = e.room AND m.deleted AND m.seq IN (
             (d.data ->> 'seq')::bigint, (d.data #>> '{replyTo,seq}')::bigint,
             (d.data #>> '{message,seq}')::bigint, (d.data #>> '{message,replyTo,seq}')::bigint)
           ORDER BY e.id
           FOR UPDATE OF e`,
        );
        const bodies = new Map<string, string>();
        for (const { id, body, seq } of rows) {
          const scrubbed = withoutDeletedText(bodies.get(id) ?? body, Number(seq));
          if (scrubbed !== undefined) bodies.set(id, scrubbed);
        }
        for (const [id, body] of bodies) await client.query('UPDATE webhook_events SET body = $1 WHERE id = $2', [body, id]);
      });
      // Other relays may be delivering: their live claims are left alone.
      await query(
        `INSERT INTO webhook_rooms (room, next_at) SELECT DISTINCT room, $1::bigint FROM webhook_events
         ON CONFLICT (room) DO UPDATE SET next_at = excluded.next_at
         WHERE webhook_rooms.claimed_until IS NULL OR webhook_rooms.claimed_until <= excluded.next_at`,
        [now],
      );
    },
    async webhookBody(id) {
      const [row] = await query<{ body: string }>('SELECT body FROM webhook_events WHERE id = $1', [id]);
      return row?.body;
    },
    async webhookQueue() {
      const [row] = await query<{ depth: string; oldest: string | null }>(
        'SELECT COUNT(*) AS depth, MIN(ts) AS oldest FROM webhook_events',
        [],
      );
      return { depth: Number(row!.depth), oldestTs: row!.oldest === null ? null : Number(row!.oldest) };
    },
  };
}
