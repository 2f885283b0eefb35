import type { Member } from '../../protocol/index.js';

/**
 * Who is connected now, whatever tracks it (the socket layer, on every
 * relay): the chat core asks it to resolve the ids a message mentions, and
 * where a banned member is connected from.
 */
export interface Roster {
  /** The members online in a room, by id. */
  online(room: string): Promise<Map<string, Member>>;
  /** A member's connections, with their address keys (chat/address.ts). */
  connections(memberId: string): Promise<{ member: Member; address?: string }[]>;
}
