/**
 * Slow mode's clock: per member per room, when they may send again. Relays
 * of a cluster share it through Redis (plugins/moderation.ts), so slow mode
 * holds whichever relay a member reaches.
 */
export interface SlowModeClock {
  /** Milliseconds until `key` may send again; 0 when it may now. */
  wait(key: string): Promise<number>;
  /** Takes the turn of `key` for `ms`: 0 when taken, else how long until it could be (someone else took it first). */
  take(key: string, ms: number): Promise<number>;
}

/** How many entries the memory clock keeps before it sweeps out those that ended. */
const SWEEP_AT = 10_000;

/** The clock of one relay, in memory. */
export class MemorySlowModeClock implements SlowModeClock {
  private readonly until = new Map<string, number>();

  async wait(key: string): Promise<number> {
    return Math.max(0, (this.until.get(key) ?? 0) - Date.now());
  }

  async take(key: string, ms: number): Promise<number> {
    const now = Date.now();
    const left = (this.until.get(key) ?? 0) - now;
    if (left > 0) return left;
    if (this.until.size >= SWEEP_AT) for (const [k, end] of this.until) if (end <= now) this.until.delete(k);
    this.until.set(key, now + ms);
    return 0;
  }
}
