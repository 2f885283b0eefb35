/** The small arithmetic every bench shares. */

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
