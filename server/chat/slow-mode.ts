/**
 * Slow mode's clock: when a member, or a guest's network, may write again in
 * a room. Relays of a cluster share it through Redis (plugins/moderation.ts),
 * so slow mode holds whichever relay a member reaches. A write holds one
 * turn under several keys at once (the member's and, for a guest, their
 * network's): it waits for all of them and takes all of them or none.
 */
export interface SlowModeClock {
  /** Milliseconds until every one of `keys` may write again; 0 when they may now. */
  wait(keys: readonly string[]): Promise<number>;
  /**
   * Takes the turn of every one of `keys` for `ms`, all or none: 0 when
   * taken, else how long until they could be (someone else took one first).
   */
  take(keys: readonly string[], ms: number): Promise<number>;
}

/** How many entries the memory clock keeps before it sweeps out those that ended. */
const SWEEP_AT = 10_000;

/** The clock of one relay, in memory. */
export class MemorySlowModeClock implements SlowModeClock {
  private readonly until = new Map<string, number>();

  async wait(keys: readonly string[]): Promise<number> {
    const now = Date.now();
    return Math.max(0, ...keys.map((key) => (this.until.get(key) ?? 0) - now));
  }

  async take(keys: readonly string[], ms: number): Promise<number> {
    const left = await this.wait(keys);
    if (left > 0) return left;
    const now = Date.now();
    if (this.until.size >= SWEEP_AT) for (const [k, end] of this.until) if (end <= now) this.until.delete(k);
    for (const key of keys) this.until.set(key, now + ms);
    return 0;
  }
}
