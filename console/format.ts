/** A time in full, as the console's tooltips give it (the moderator's locale), or a dash for none. */
export const time = (ts: number | null) => (ts === null ? '—' : new Date(ts).toLocaleString());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long ago `ts` was, as a moderator glances at it: "just now", "3 min
 * ago", "2 h ago", "yesterday", "4 days ago", then the date; a time to come
 * (a ban's end) as "in 50 min", "in 3 h", "in 6 days".
 */
export function ago(ts: number, now = Date.now()): string {
  const span = Math.abs(now - ts);
  const [n, unit] = span < HOUR ? [Math.floor(span / MINUTE), 'min'] : span < DAY ? [Math.floor(span / HOUR), 'h'] : [Math.floor(span / DAY), 'days'];
  if (ts > now) return span < MINUTE ? 'in a moment' : `in ${n} ${unit === 'days' && n === 1 ? 'day' : unit}`;
  if (span < MINUTE) return 'just now';
  if (span >= 7 * DAY) return new Date(ts).toLocaleDateString();
  if (unit === 'days') return n === 1 ? 'yesterday' : `${n} days ago`;
  return `${n} ${unit} ago`;
}
