import type Database from 'better-sqlite3';
import { guard } from './sqlite-guard.js';
import { mentionsSeq, withoutDeletedText } from './shape.js';
import { settlement, type ClaimedWebhook, type QueuedWebhook, type WebhookOutcome, type WebhookStore } from './store.js';

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

/** The webhook queue of the SQLite store, and what a message's change does to it inside its own transaction. */
export interface SqliteWebhooks {
  /** Queues an event in the transaction under way. */
  queue(event: QueuedWebhook): void;
  /** Takes a message's text out of its room's events still queued, in the deletion's transaction. */
  scrubQueued(room: string, seq: number): void;
  store: WebhookStore;
}

export function webhookStore(db: Database.Database): SqliteWebhooks {
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

  const queue = (event: QueuedWebhook) => {
    insertWebhook.run(event.webhookId, event.room, event.type, event.body, event.ts);
    wakeRoom.run(event.room, event.ts);
  };
  const enqueueWebhooks = db.transaction((events: QueuedWebhook[]) => events.forEach(queue));
  const queuedMentioning = db.prepare<[string, string], { id: number; body: string }>(
    'SELECT id, body FROM webhook_events WHERE room = ? AND body LIKE ?',
  );
  const setWebhookBody = db.prepare<[string, number]>('UPDATE webhook_events SET body = ? WHERE id = ?');
  const scrubQueued = (room: string, seq: number) => {
    for (const { id, body } of queuedMentioning.all(room, mentionsSeq(seq))) {
      const scrubbed = withoutDeletedText(body, seq);
      if (scrubbed !== undefined) setWebhookBody.run(scrubbed, id);
    }
  };
  const bodyOf = db.prepare<[number], { body: string }>('SELECT body FROM webhook_events WHERE id = ?');
  // Relays before PROTOCOL v3 did not scrub at deletion: an event they
  // queued may still carry the text of a message deleted since (itself, a
  // reply's parent, a report's message). Taken out when the queue is
  // resumed at start, before any is sent; the paths are withoutDeletedText's.
  const queuedOfDeleted = db.prepare<[], { id: number; seq: number }>(
    `SELECT e.id, m.seq FROM webhook_events e JOIN messages m ON m.room = e.room AND m.deleted = 1
       AND m.seq IN (json_extract(e.body, '$.data.seq'), json_extract(e.body, '$.data.replyTo.seq'),
                     json_extract(e.body, '$.data.message.seq'), json_extract(e.body, '$.data.message.replyTo.seq'))`,
  );
  const resume = db.transaction((now: number) => {
    for (const { id, seq } of queuedOfDeleted.all()) {
      const scrubbed = withoutDeletedText(bodyOf.get(id)!.body, seq);
      if (scrubbed !== undefined) setWebhookBody.run(scrubbed, id);
    }
    resumeRooms.run(now);
  });
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

  return {
    queue,
    scrubQueued,
    store: {
      enqueueWebhooks: (events) => guard(() => enqueueWebhooks.immediate(events)),
      claimWebhooks: (relay, now, leaseMs, limit, perRoom = 1) => guard(() => claimWebhooks.immediate(relay, now, leaseMs, limit, perRoom)),
      settleWebhooks: (relay, outcomes, now) => guard(() => settleWebhooks.immediate(relay, outcomes, now)),
      resumeWebhooks: (now) => guard(() => resume.immediate(now)),
      webhookBody: (id) => guard(() => bodyOf.get(id)?.body),
      webhookQueue: () =>
        guard(() => {
          const { depth, oldest } = queueState.get()!;
          return { depth, oldestTs: oldest };
        }),
    },
  };
}
