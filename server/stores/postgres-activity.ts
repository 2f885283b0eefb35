import type { Query } from './postgres-transaction.js';
import type { ActivityStore } from './store.js';

/**
 * Activity over time for the console's overview, of the PostgreSQL store:
 * messages per minute and the busiest rooms, read from the messages' times
 * (index messages_ts), and the members-online samples each relay writes at
 * each minute's start (table online_samples, postgres-schema.ts), which the
 * relays sharing the database sum.
 */
export function activityStore(query: Query): ActivityStore {
  return {
    async messagesPerMinute(from, to) {
      const rows = await query<{ minute: string; count: string }>(
        `SELECT (ts / 60000) * 60000 AS minute, COUNT(*) AS count FROM messages
         WHERE ts >= $1 AND ts < $2 GROUP BY 1 ORDER BY 1`,
        [from, to],
      );
      return rows.map((r) => ({ minute: Number(r.minute), count: Number(r.count) }));
    },
    async busiestRooms(since, limit) {
      const rows = await query<{ room: string; messages: string }>(
        `SELECT room, COUNT(*) AS messages FROM messages WHERE ts >= $1
         GROUP BY room ORDER BY 2 DESC, room LIMIT $2`,
        [since, limit],
      );
      return rows.map((r) => ({ room: r.room, messages: Number(r.messages) }));
    },
    async sampleOnline(minute, relay, members, forgetBefore) {
      // One statement: the sample, and the old ones gone (any relay may forget them; each forgets the same).
      await query(
        `WITH forgotten AS (DELETE FROM online_samples WHERE minute < $4)
         INSERT INTO online_samples (minute, relay, members) VALUES ($1, $2, $3)
         ON CONFLICT (minute, relay) DO UPDATE SET members = excluded.members`,
        [minute, relay, members, forgetBefore],
      );
    },
    async onlineSamples(from, to) {
      const rows = await query<{ minute: string; members: string }>(
        `SELECT minute, SUM(members) AS members FROM online_samples
         WHERE minute >= $1 AND minute < $2 GROUP BY minute ORDER BY minute`,
        [from, to],
      );
      return rows.map((r) => ({ minute: Number(r.minute), members: Number(r.members) }));
    },
  };
}
