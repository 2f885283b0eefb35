/**
 * The contract's rules for what a client sends (PROTOCOL.md), each written
 * once and used by the socket events and the HTTP routes alike.
 */
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, MAX_MENTIONS, ROOM_PATTERN } from '../../protocol/index.js';
import { ClientError } from './errors.js';

/** The refusal of a room name the contract does not allow. */
export const invalidRoom = () =>
  new ClientError('invalid_room', 'room must be 1–64 of A-Z a-z 0-9 _ . : - and start with a letter or digit');

/** Refuses a room name the contract does not allow (`invalid_room`). */
export function checkRoom(room: string): string {
  if (!ROOM_PATTERN.test(room)) throw invalidRoom();
  return room;
}

/**
 * A message's text as stored: trimmed, not empty, at most `max` characters.
 * Characters are code points, so an emoji counts once, as a person counts it.
 */
export function messageText(raw: string, max: number): string {
  const text = raw.trim();
  if (text.length === 0) throw new ClientError('empty', 'text is empty');
  if (text.length > max) {
    let length = 0;
    for (const _ of text) {
      if (++length > max) throw new ClientError('too_long', `text is longer than ${max} characters`);
    }
  }
  return text;
}

/** How many messages a page holds: the asked limit (default 50), at most 200. */
export function pageSize(asked?: number): number {
  return Math.min(asked ?? HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT);
}

/** The member ids a send mentions, each once, in the order given; more than MAX_MENTIONS is `invalid_payload`. */
export function mentionIds(ids: string[] | undefined): string[] {
  const unique = [...new Set(ids ?? [])];
  if ((ids?.length ?? 0) > MAX_MENTIONS) throw new ClientError('invalid_payload', `mentions: at most ${MAX_MENTIONS} members`);
  return unique;
}

/** Refuses an emoji that is not one of REACTIONS (`invalid_payload`; with REACTIONS empty, every emoji). */
export function checkReaction(emoji: string, allowed: readonly string[]): void {
  if (allowed.length === 0) throw new ClientError('invalid_payload', 'reactions are disabled on this relay');
  if (!allowed.includes(emoji)) throw new ClientError('invalid_payload', `emoji must be one of ${allowed.join(' ')}`);
}
