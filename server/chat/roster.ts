import type { Member } from '../../protocol/index.js';

/**
 * Who is in a room now, whatever tracks it (the socket layer's presence, on
 * every relay). The chat core asks it to resolve the ids a message mentions.
 */
export interface Roster {
  /** The members online in a room, by id. */
  online(room: string): Promise<Map<string, Member>>;
}
