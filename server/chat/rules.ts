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
 * Refuses a payload holding a string that cannot be stored verbatim: a lone
 * surrogate (UTF-8 storage would turn it into U+FFFD, three bytes, past the
 * length it was checked at) or U+0000 (which PostgreSQL cannot store in
 * text). Every string anywhere in the payload, for every event and route, so
 * both stores keep exactly what was acknowledged.
 */
export function checkPlainStrings(value: unknown, depth = 0): void {
  if (typeof value === 'string') {
    if (!value.isWellFormed()) throw new ClientError('invalid_payload', 'text must be well-formed Unicode (a lone surrogate was sent)');
    if (value.includes('\0')) throw new ClientError('invalid_payload', 'text must not contain U+0000');
  } else if (value !== null && typeof value === 'object' && depth < 8) {
    for (const [key, item] of Object.entries(value)) {
      checkPlainStrings(key, depth + 1);
      checkPlainStrings(item, depth + 1);
    }
  }
}

/**
 * The characters that draw nothing between letters, as a regular-expression
 * class body (one definition for what shows, names and blocked words):
 * format characters (Unicode Cf: zero-width spaces and joiners, the soft
 * hyphen, U+FEFF, bidi controls, the word joiner, tag characters), fillers
 * that are letters only in name (Hangul U+115F, U+1160, U+3164, U+FFA0),
 * Khmer's invisible vowels, the grapheme joiner U+034F and variation
 * selectors (Mongolian, U+FE00–FE0F, U+E0100–E01EF). Tag characters are
 * named whole (U+E0000–E007F), unassigned ones too.
 */
export const FORMATTING_CLASS = String.raw`\p{Cf}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u3164\uFE00-\uFE0F\uFFA0\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}`;

/** What draws nothing: white space, the blank Braille pattern U+2800, and FORMATTING_CLASS. */
const INVISIBLE = new RegExp(`[\\s\\u2800${FORMATTING_CLASS}]`, 'gu');

/** Whether a text shows anything at all. */
export function isVisible(text: string): boolean {
  return text.replace(INVISIBLE, '') !== '';
}

/**
 * A message's text as stored: trimmed, not empty (nor made only of
 * invisible characters), at most `max` characters. Characters are code
 * points, so an emoji counts once, as a person counts it.
 */
export function messageText(raw: string, max: number): string {
  const text = raw.trim();
  if (!isVisible(text)) throw new ClientError('empty', 'text is empty');
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
