/**
 * Blocked words (PROTOCOL.md, "Blocked words" and v3's "Limits that hold
 * against churn"): a text is blocked when a listed word or phrase appears in
 * it as a whole word or phrase, compared without case, accents or width,
 * after removing invisible and formatting characters, folding look-alikes
 * (the contract's `0→o` … and Unicode's confusables) and joining letters
 * spaced or dotted apart.
 *
 * Both the list and each text go through the same `words` below, so a list
 * entry is matched however it was typed. Matching is then one pass of an
 * Aho–Corasick automaton whose alphabet is the list's words: each word of
 * the text is one hash lookup and at most one step forward, plus steps back
 * along failure links that never outnumber the steps forward. So a text
 * costs time linear in its length whatever the list holds: 500 phrases
 * sharing their first twenty words against 2,000 characters of those words
 * cost 39–59 ms per message with the phrase-by-phrase matcher before, and about
 * 55 µs here (bench/blocked-words.ts).
 *
 * Why not a regular-expression matcher per entry (obscenity's, for one): it
 * runs every entry over every text, about 170 µs per message for 500 entries,
 * where this costs a few µs; and its word boundaries did not hold once
 * separators were skipped.
 */
import { confusableCodePoints, prototypeOf } from './confusables.js';
import { FORMATTING_CLASS } from './rules.js';

/** The look-alikes PROTOCOL.md names, undone before comparing. */
const LOOK_ALIKES: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const LOOK_ALIKE = /[013457@$]/g;
const COMBINING_MARKS = /\p{M}+/gu;
const ASCII = /^[\x00-\x7f]*$/;
/** Drawn as nothing: removed before anything else, so `sp\u200Bam` is `spam`. */
const FORMATTING = new RegExp(`[${FORMATTING_CLASS}]+`, 'gu');
/** A word: letters and digits (after look-alikes are undone, `$` and `@` are letters too). */
const WORD = /[\p{L}\p{N}]+/gu;
/** What a fold may end in for it to be taken: plain letters and digits. */
const PLAIN = /^[a-z0-9]+$/;

/** Without accents (NFKD also takes width, enclosed and mathematical letters to plain ones) and lower case. */
const plain = (text: string) => text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();

/**
 * Each non-ASCII code point a folded text may hold (so: lower case, without
 * accents) mapped to what it is compared as, built once from confusables.txt:
 * - its own prototype when that is plain letters (`а` Cyrillic → `a`, `ο`
 *   Greek → `o`); else its capital's when that is (`м` → `М` → `m`, `κ` →
 *   `Κ` → `k`): a text is compared without case, so a small letter drawn
 *   like a small capital is taken for that letter;
 * - `rn`, the prototype of `m` and of what looks like it, read as `m`.
 * ASCII itself is never remapped (confusables.txt would read `m` as `rn`
 * and `1` as `l`, so `burn` would match `bum`): its only look-alikes are
 * the contract's list. Regional indicator letters (🇸🇵🇦🇲) and the
 * negative circled and squared letters, which NFKD leaves alone, are
 * their letters.
 */
const FOLD: ReadonlyMap<string, string> = (() => {
  const fold = new Map<string, string>();
  const candidates = new Set<string>();
  for (const codePoint of confusableCodePoints()) {
    for (const form of [codePoint, plain(codePoint)]) if ([...form].length === 1 && !ASCII.test(form)) candidates.add(form);
  }
  for (const codePoint of candidates) {
    const own = plain(prototypeOf(codePoint) ?? codePoint);
    const capital = codePoint.toUpperCase();
    const viaCapital = plain(prototypeOf(capital) ?? capital);
    let folded = PLAIN.test(own) ? own : PLAIN.test(viaCapital) ? viaCapital : own;
    if (folded === 'rn') folded = 'm';
    if (folded !== codePoint) fold.set(codePoint, folded);
  }
  for (let i = 0; i < 26; i++) {
    const letter = String.fromCharCode(97 + i);
    for (const first of [0x1f1e6, 0x1f150, 0x1f170]) fold.set(String.fromCodePoint(first + i), letter);
  }
  return fold;
})();

const RLO = '\u202E';
const PDF = '\u202C';

/**
 * The text as shown where a right-to-left override (U+202E … U+202C, or to
 * the end of the line) reverses the letters of its run: `\u202Emaps\u202C`
 * shows "spam", and is compared as shown. Embeddings (U+202B) and isolates
 * need nothing: Latin letters inside them still show left to right.
 */
function undoOverrides(text: string): string {
  let out = '';
  let from = 0;
  for (let start = text.indexOf(RLO); start !== -1; start = text.indexOf(RLO, from)) {
    out += text.slice(from, start);
    let depth = 1;
    let end = start + 1;
    for (; end < text.length; end++) {
      const c = text[end]!;
      if (c >= '\u202A' && c <= '\u202E') depth++;
      else if (c === PDF && --depth === 0) break;
      else if (c === '\n' || c === '\r' || c === '\u2029') break;
    }
    out += [...text.slice(start + 1, end)].reverse().join('');
    from = end;
  }
  return out + text.slice(from);
}

/** A text that is not plain ASCII, folded: what is drawn, in the order drawn, each code point as it looks. */
function foldUnicode(text: string): string {
  const shown = (text.includes(RLO) ? undoOverrides(text) : text).replace(FORMATTING, '');
  let folded = '';
  for (const codePoint of plain(shown)) folded += codePoint < '\x80' ? codePoint : (FOLD.get(codePoint) ?? codePoint);
  return folded;
}

/**
 * A text as compared: formatting removed, overrides read as shown, without
 * case, accents or width, look-alikes (the contract's and confusables')
 * folded. Names (names.ts) are compared through it too.
 */
export function fold(text: string): string {
  return (ASCII.test(text) ? text.toLowerCase() : foldUnicode(text)).replace(LOOK_ALIKE, (c) => LOOK_ALIKES[c]!);
}

/**
 * The words of a text as compared: folded (`fold`) and with runs of single
 * letters joined (`s p a m`, `s.p.a.m` → `spam`).
 */
export function words(text: string): string[] {
  const folded = fold(text);
  const out: string[] = [];
  // Letters spaced or dotted apart: consecutive one-letter words are one word.
  let run = '';
  for (const [word] of folded.matchAll(WORD)) {
    if (word.length === 1 || (word.length === 2 && word.codePointAt(0)! > 0xffff)) {
      run += word;
      continue;
    }
    if (run) out.push(run);
    run = '';
    out.push(word);
  }
  if (run) out.push(run);
  return out;
}

/** A list of blocked words and phrases, compiled for matching: one Aho–Corasick automaton over its words. */
export class BlockedWords {
  /** The list's words, each numbered: the automaton's alphabet. A word of a text not in it matches nothing. */
  private readonly alphabet = new Map<string, number>();
  /** Each state's steps forward, by word number; state 0 is the start. */
  private readonly forward: Map<number, number>[] = [new Map()];
  /** Each state's failure link: the longest proper suffix of its words that is also a state. */
  private readonly failure: number[] = [0];
  /** Whether an entry ends at the state (or at a state its failure links reach). */
  private readonly accepts: boolean[] = [false];
  /** How many distinct entries (as folded) the list holds. */
  readonly size: number;

  constructor(entries: Iterable<string>) {
    const distinct = new Set<string>();
    for (const entry of entries) {
      const parts = words(entry);
      if (parts.length === 0) continue; // nothing to match (only punctuation)
      distinct.add(parts.join(' '));
      let state = 0;
      for (const part of parts) {
        let id = this.alphabet.get(part);
        if (id === undefined) this.alphabet.set(part, (id = this.alphabet.size));
        let next = this.forward[state]!.get(id);
        if (next === undefined) {
          next = this.forward.push(new Map()) - 1;
          this.failure.push(0);
          this.accepts.push(false);
          this.forward[state]!.set(id, next);
        }
        state = next;
      }
      this.accepts[state] = true;
    }
    this.size = distinct.size;
    // Failure links breadth first, so a state's link is set before its children's.
    const queue = [...this.forward[0]!.values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [id, child] of this.forward[state]!) {
        this.failure[child] = state === 0 ? 0 : this.step(this.failure[state]!, id);
        this.accepts[child] ||= this.accepts[this.failure[child]!]!;
        queue.push(child);
      }
    }
  }

  /** Whether a text (a message, a name, a topic, a reason) contains one of the entries. */
  blocks(text: string): boolean {
    return this.size > 0 && this.matches(words(text));
  }

  /** Whether the words of a text (from `words`) contain one of the entries. */
  matches(text: readonly string[]): boolean {
    if (this.size === 0) return false;
    let state = 0;
    for (const word of text) {
      const id = this.alphabet.get(word);
      state = id === undefined ? 0 : this.step(state, id);
      if (this.accepts[state]) return true;
    }
    return false;
  }

  /** The state after `id` from `state`: forward when it can, else back along failure links. */
  private step(state: number, id: number): number {
    for (;;) {
      const next = this.forward[state]!.get(id);
      if (next !== undefined) return next;
      if (state === 0) return 0;
      state = this.failure[state]!;
    }
  }
}

/** No entries: matches nothing. */
export const NO_BLOCKED_WORDS = new BlockedWords([]);
