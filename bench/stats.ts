/** The small arithmetic every bench shares. */
import { readFileSync } from 'node:fs';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The median (NaN of nothing). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The q-quantile of figures already sorted ascending (NaN of nothing). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The q-quantile of figures in any order. */
export const quantile = (xs: number[], q: number) => quantileOfSorted([...xs].sort((a, b) => a - b), q);

/** The machine's CPU time spent busy over `ms` (0–1, all cores), from /proc/stat. */
export async function busyFraction(ms = 500): Promise<number> {
  const read = () => {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const ticks = fields.map(Number);
    const idle = ticks[3]! + ticks[4]!; // idle + iowait
    return { idle, total: ticks.reduce((a, b) => a + b, 0) };
  };
  const before = read();
  await sleep(ms);
  const after = read();
  return 1 - (after.idle - before.idle) / Math.max(1, after.total - before.total);
}

/**
 * Waits until the machine is quiet (under `busy` of its CPU in use over half a
 * second) or `timeoutMs` pass: a start-up measured while another process
 * burns the cores measures that process. Resolves with the last fraction seen.
 */
export async function quiet(busy = 0.15, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const fraction = await busyFraction();
    if (fraction < busy || Date.now() >= until) return fraction;
  }
}
