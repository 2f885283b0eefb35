import type { Member } from '../../protocol/index.js';
import type { Query } from './postgres-transaction.js';
import type { MemberStore } from './store.js';

/**
 * Who joined each room from which address (so a member can be banned by id
 * after leaving), and the verified names seen, of the PostgreSQL store. The
 * `room_members` table comes with the moderation migration
 * (postgres-moderation.ts), `verified_names` with its own (postgres-schema.ts).
 */
export function memberStore(query: Query): MemberStore {
  return {
    async seen(room, member, address, ts) {
      await query(
        `INSERT INTO room_members (room, member_id, member, address, seen) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (room, member_id) DO UPDATE SET member = excluded.member,
           address = coalesce(excluded.address, room_members.address), seen = excluded.seen`,
        [room, member.id, member, address ?? null, ts],
      );
    },
    async rememberVerifiedName(keys, ts) {
      await query(
        `INSERT INTO verified_names (name_key, last_join) SELECT unnest($1::text[]), $2
         ON CONFLICT (site, name_key) DO UPDATE SET last_join = GREATEST(verified_names.last_join, excluded.last_join)`,
        [keys, ts],
      );
    },
    async verifiedNameSince(keys, since) {
      if (keys.length === 0) return false;
      const rows = await query(
        "SELECT 1 FROM verified_names WHERE site = 'default' AND name_key = ANY($1::text[]) AND last_join >= $2 LIMIT 1",
        [keys, since],
      );
      return rows.length > 0;
    },
    async lastSeen(room, memberId) {
      const [row] = await query<{ member: Member; address: string | null }>(
        'SELECT member, address FROM room_members WHERE room = $1 AND member_id = $2',
        [room, memberId],
      );
      if (!row) return undefined;
      return row.address === null ? { member: row.member } : { member: row.member, address: row.address };
    },
  };
}
