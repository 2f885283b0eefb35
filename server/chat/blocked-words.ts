/**
 * Blocked words (PROTOCOL.md, "Blocked words"): a text is blocked when a
 * listed word or phrase appears in it as a whole word or phrase, compared
 * without case, accents or width, after undoing look-alike substitutions
 * and letters spaced or dotted apart.
 *
 * Both the list and each text go through the same `words` below, so a list
 * entry is matched however it was typed. Matching is then a hash lookup per
 * word of the text (and per phrase start), whatever the list's length: a
 * 500-entry list costs what a 5-entry one does (bench/blocked-words.ts).
 *
 * Why not a regular-expression matcher per entry (obscenity's, for one): it
 * runs every entry over every text, about 170 µs per message for 500 entries,
 * where this costs a few µs; and its word boundaries did not hold once
 * separators were skipped. Accents and width need no table of our own: NFKD
 * takes width variants (ｓ, ﬁ) to their plain letters and accents apart into
 * combining marks, which are dropped.
 */

/** The look-alikes PROTOCOL.md names, undone before comparing. */
const LOOK_ALIKES: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const LOOK_ALIKE = /[013457@$]/g;
const COMBINING_MARKS = /\p{M}+/gu;
const ASCII = /^[\x00-\x7f]*$/;
/** A word: letters and digits (after look-alikes are undone, `$` and `@` are letters too). */
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The words of a text as compared: folded (case, accents, width,
 * look-alikes) and with runs of single letters joined (`s p a m`,
 * `s.p.a.m` → `spam`).
 */
export function words(text: string): string[] {
  let folded = ASCII.test(text) ? text : text.normalize('NFKD').replace(COMBINING_MARKS, '');
  folded = folded.toLowerCase().replace(LOOK_ALIKE, (c) => LOOK_ALIKES[c]!);
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

/** A list of blocked words and phrases, compiled for matching. */
export class BlockedWords {
  /** Entries of one word. */
  private readonly single = new Set<string>();
  /** Entries of several words, by their first word. */
  private readonly phrases = new Map<string, string[][]>();

  constructor(entries: Iterable<string>) {
    for (const entry of entries) {
      const parts = words(entry);
      if (parts.length === 0) continue; // nothing to match (only punctuation)
      if (parts.length === 1) this.single.add(parts[0]!);
      else {
        const list = this.phrases.get(parts[0]!) ?? [];
        list.push(parts);
        this.phrases.set(parts[0]!, list);
      }
    }
  }

  get size(): number {
    let size = this.single.size;
    for (const list of this.phrases.values()) size += list.length;
    return size;
  }

  /** Whether the words of a text (from `words`) contain one of the entries. */
  matches(text: readonly string[]): boolean {
    for (let i = 0; i < text.length; i++) {
      const word = text[i]!;
      if (this.single.has(word)) return true;
      const phrases = this.phrases.get(word);
      if (phrases?.some((phrase) => phrase.every((part, j) => text[i + j] === part))) return true;
    }
    return false;
  }
}

/** No entries: matches nothing. */
export const NO_BLOCKED_WORDS = new BlockedWords([]);
