import type { Redis } from '../plugins/redis.js';

/**
 * Slow mode's clock: when a member, or a guest's network, may write again in
 * a room. Relays of a cluster share it through Redis (RedisSlowModeClock below),
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

/**
 * Takes a turn under every key, all or none, in one step (two relays cannot
 * both give it): how long the longest wait is when one is held, else 0.
 */
const TAKE_TURN = `
local wait = 0
for _, key in ipairs(KEYS) do wait = math.max(wait, redis.call('PTTL', key)) end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do redis.call('SET', key, '1', 'PX', ARGV[1]) end
return 0`;

/**
 * Slow mode's clock in Redis, shared by every relay: a turn is a key that
 * expires when its member (or network) may write again. While Redis is away,
 * each relay keeps its own.
 */
export class RedisSlowModeClock implements SlowModeClock {
  private readonly fallback = new MemorySlowModeClock();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async wait(keys: readonly string[]): Promise<number> {
    try {
      const ttls = await Promise.all(keys.map((key) => this.redis.pTTL(`${this.prefix}${key}`)));
      return Math.max(0, ...ttls);
    } catch {
      return this.fallback.wait(keys);
    }
  }

  async take(keys: readonly string[], ms: number): Promise<number> {
    try {
      const wait = await this.redis.eval(TAKE_TURN, { keys: keys.map((key) => `${this.prefix}${key}`), arguments: [String(ms)] });
      return Number(wait);
    } catch {
      return this.fallback.take(keys, ms);
    }
  }
}
