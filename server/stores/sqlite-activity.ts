import type Database from 'better-sqlite3';
import { guard } from './sqlite-guard.js';
import type { ActivityStore } from './store.js';

/**
 * Activity over time for the console's overview, of the SQLite store:
 * messages per minute and the busiest rooms, read from the messages' times
 * (index messages_ts), and the members-online samples each relay writes at
 * each minute's start (table online_samples, sqlite-schema.ts).
 */
export function activityStore(db: Database.Database): ActivityStore {
  const perMinute = db.prepare<[number, number], { minute: number; count: number }>(
    `SELECT (ts / 60000) * 60000 AS minute, COUNT(*) AS count FROM messages
     WHERE ts >= ? AND ts < ? GROUP BY minute ORDER BY minute`,
  );
  const busiest = db.prepare<[number, number], { room: string; messages: number }>(
    `SELECT room, COUNT(*) AS messages FROM messages WHERE ts >= ?
     GROUP BY room ORDER BY messages DESC, room LIMIT ?`,
  );
  const upsertSample = db.prepare<[number, string, number]>(
    `INSERT INTO online_samples (minute, relay, members) VALUES (?, ?, ?)
     ON CONFLICT (minute, relay) DO UPDATE SET members = excluded.members`,
  );
  const forget = db.prepare<[number]>('DELETE FROM online_samples WHERE minute < ?');
  const sample = db.transaction((minute: number, relay: string, members: number, forgetBefore: number) => {
    upsertSample.run(minute, relay, members);
    forget.run(forgetBefore);
  });
  const samples = db.prepare<[number, number], { minute: number; members: number }>(
    `SELECT minute, SUM(members) AS members FROM online_samples
     WHERE minute >= ? AND minute < ? GROUP BY minute ORDER BY minute`,
  );
  return {
    messagesPerMinute: (from, to) => guard(() => perMinute.all(from, to)),
    busiestRooms: (since, limit) => guard(() => busiest.all(since, limit)),
    sampleOnline: (minute, relay, members, forgetBefore) => guard(() => sample.immediate(minute, relay, members, forgetBefore)),
    onlineSamples: (from, to) => guard(() => samples.all(from, to)),
  };
}
