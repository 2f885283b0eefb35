/** Times, days and links as a reader expects them, in the widget's language. */

const MINUTE = 60_000;

/**
 * Each Intl formatter is made once per language and kind: making one costs
 * ~90 µs, and a render formats the time of every message held (up to 500),
 * so making them per call took ~46 ms per incoming message in a busy room.
 */
const made = new Map<string, unknown>();
function once<T>(key: string, make: () => T): T {
  if (!made.has(key)) made.set(key, make());
  return made.get(key) as T;
}

export function relativeTime(ts: number, lang: string, now = Date.now()): string {
  const ago = now - ts;
  if (ago < MINUTE) return once(`${lang}n`, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' })).format(0, 'second');
  if (ago < 60 * MINUTE) return once(`${lang}a`, () => new Intl.RelativeTimeFormat(lang)).format(-Math.floor(ago / MINUTE), 'minute');
  return once(`${lang}c`, () => new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' })).format(ts);
}

/** What `relativeTime` depends on: it reads differently only when this changes (once a minute, for the first hour). */
export const timeKey = (ts: number, now: number): number => Math.min(60, Math.floor((now - ts) / MINUTE));

export function fullTime(ts: number, lang: string): string {
  return once(`${lang}f`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short' })).format(ts);
}

const dayKey = (ts: number) => new Date(ts).toDateString();

export function sameDay(a: number, b: number): boolean {
  return dayKey(a) === dayKey(b);
}

export function dayLabel(ts: number, lang: string, words: { today: string; yesterday: string }, now = Date.now()): string {
  if (sameDay(ts, now)) return words.today;
  if (sameDay(ts, now - 86_400_000)) return words.yesterday;
  return once(`${lang}d`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium' })).format(ts);
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;

/** Text split into plain pieces and http(s) URLs; nothing else ever becomes a link. */
export function linkify(text: string): (string | { url: string })[] {
  const parts: (string | { url: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    // Trailing punctuation belongs to the sentence, not the link.
    const url = match[0].replace(/[.,!?;:)\]}'"]+$/, '');
    const start = match.index!;
    let safe = false;
    try {
      safe = /^https?:$/.test(new URL(url).protocol);
    } catch {
      // not a URL after all
    }
    if (!safe) continue;
    if (start > last) parts.push(text.slice(last, start));
    parts.push({ url });
    last = start + url.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
