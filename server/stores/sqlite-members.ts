import type Database from 'better-sqlite3';
import type { Member } from '../../protocol/index.js';
import { guard } from './sqlite-guard.js';
import type { MemberStore } from './store.js';

/**
 * Who joined each room from which address (so a member can be banned by id
 * after leaving), and the verified names seen, of the SQLite store. The
 * `room_members` table is created with the moderation tables
 * (sqlite-moderation.ts), `verified_names` by a migration (sqlite-schema.ts).
 */
export function memberStore(db: Database.Database): MemberStore {
  const upsertSeen = db.prepare<[string, string, string, string | null, number]>(
    `INSERT INTO room_members (room, member_id, member, address, seen) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (room, member_id) DO UPDATE SET member = excluded.member,
       address = coalesce(excluded.address, room_members.address), seen = excluded.seen`,
  );
  const findSeen = db.prepare<[string, string], { member: string; address: string | null }>(
    'SELECT member, address FROM room_members WHERE room = ? AND member_id = ?',
  );
  const upsertVerifiedName = db.prepare<[string, number]>(
    `INSERT INTO verified_names (name_key, last_join) VALUES (?, ?)
     ON CONFLICT (site, name_key) DO UPDATE SET last_join = MAX(last_join, excluded.last_join)`,
  );
  const rememberNames = db.transaction((keys: string[], ts: number) => {
    for (const key of keys) upsertVerifiedName.run(key, ts);
  });
  const findVerifiedName = db.prepare<[string, number], { found: number }>(
    "SELECT 1 AS found FROM verified_names WHERE site = 'default' AND name_key = ? AND last_join >= ?",
  );

  // Every join records who joined from where. Those of one turn of the event
  // loop are written in one transaction: a commit each was, after reading
  // history, the largest part of a join storm's time in a profile.
  type Seen = { room: string; member: Member; address?: string; ts: number };
  const writeSeen = db.transaction((rows: Seen[]) => {
    for (const { room, member, address, ts } of rows) upsertSeen.run(room, member.id, JSON.stringify(member), address ?? null, ts);
  });
  let pendingSeen: Seen[] = [];
  /** The write gathering this turn's records, until it starts. */
  let gathering: Promise<void> | undefined;
  /** The latest write, gathering or under way (it may wait out a lock): what lastSeen waits for. */
  let lastWrite: Promise<void> = Promise.resolve();
  const seen = (room: string, member: Member, address: string | undefined, ts: number) => {
    pendingSeen.push(address === undefined ? { room, member, ts } : { room, member, address, ts });
    gathering ??= lastWrite = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const rows = pendingSeen;
      pendingSeen = [];
      gathering = undefined;
      return guard(() => writeSeen.immediate(rows));
    });
    return gathering;
  };

  return {
    seen,
    lastSeen: async (room, memberId) => {
      await lastWrite.catch(() => {});
      return guard(() => {
        const row = findSeen.get(room, memberId);
        if (!row) return undefined;
        const member = JSON.parse(row.member) as Member;
        return row.address === null ? { member } : { member, address: row.address };
      });
    },
    rememberVerifiedName: (keys, ts) => guard(() => rememberNames.immediate(keys, ts)),
    verifiedNameSince: (keys, since) =>
      guard(() => keys.some((key) => findVerifiedName.get(key, since) !== undefined)),
  };
}
