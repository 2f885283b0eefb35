/**
 * Names a guest cannot fake (PROTOCOL.md v3): a guest may not take a name
 * that looks like the name of a verified member or moderator who joined a
 * room of the site in the last VERIFIED_NAME_DAYS. Looks are compared by
 * keys, each a UTS #39 skeleton of the name made more forgiving in one
 * deliberate way; two names look alike when one of their keys is equal:
 *
 * 1. `1:` the skeleton of the name folded as blocked words are
 *    (blocked-words.ts `fold`: invisible characters removed, without case,
 *    accents or width, Cyrillic and Greek look-alikes and the contract's
 *    look-alike digits folded) keeping only letters and digits: `Mia`,
 *    `mia`, `MIA`, `Міа`, `міа`, `M1a`, `Mía`, `M ia` and `Mia.` are one
 *    name.
 * 2. `2:` the plain skeleton of the name as typed (spaces and invisible
 *    characters removed), then in small letters: it keeps what folding case
 *    first would lose, that a capital `I` looks like a small `l` (`Ian`,
 *    `lan`), and it is the key of a name of emoji only.
 *
 * Both are cheap (a few µs a name) and are stored per verified name, so a
 * guest's handshake is one indexed lookup.
 */
import { fold } from './blocked-words.js';
import { skeleton } from './confusables.js';
import { FORMATTING_CLASS } from './rules.js';

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
const SPACE_OR_FORMATTING = new RegExp(`[\\s${FORMATTING_CLASS}]+`, 'gu');

/** The keys a name is compared by (see above), each at most once. */
export function nameKeys(name: string): string[] {
  const folded = skeleton(fold(name).replace(NOT_LETTER_OR_DIGIT, ''));
  const typed = skeleton(name.replace(SPACE_OR_FORMATTING, '')).toLowerCase();
  const keys = [`2:${typed}`];
  if (folded) keys.unshift(`1:${folded}`);
  return keys;
}
