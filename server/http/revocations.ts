import type { Redis } from '../plugins/redis.js';

/**
 * Where signed-out sessions are remembered until they would have expired:
 * Redis when relays share one (so signing out on one relay signs out on
 * all), this relay's memory otherwise.
 */
export interface Revocations {
  revoke(id: string, until: number): Promise<void>;
  revoked(id: string): Promise<boolean>;
  /** Marks `id` used until `until`: true the first time, false ever after (on every relay, with Redis). */
  useOnce(id: string, until: number): Promise<boolean>;
}

export class MemoryRevocations implements Revocations {
  private readonly ids = new Map<string, number>();

  async revoke(id: string, until: number): Promise<void> {
    this.ids.set(id, until);
    // Forget those past their expiry, which the signature refuses anyway.
    const now = Date.now();
    for (const [other, end] of this.ids) if (end <= now) this.ids.delete(other);
  }

  async revoked(id: string): Promise<boolean> {
    const until = this.ids.get(id);
    return until !== undefined && until > Date.now();
  }

  async useOnce(id: string, until: number): Promise<boolean> {
    if (await this.revoked(id)) return false;
    await this.revoke(id, until);
    return true;
  }
}

/**
 * Signed-out sessions in Redis, shared by every relay: one key per session,
 * expiring when the session would have. While Redis is away a session is
 * refused rather than trusted (a signed-out one might pass): the console
 * waits for Redis; the Bearer key keeps working.
 */
export class RedisRevocations implements Revocations {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async revoke(id: string, until: number): Promise<void> {
    await this.redis.set(`${this.prefix}${id}`, '1', { expiration: { type: 'PXAT', value: until } });
  }

  async revoked(id: string): Promise<boolean> {
    try {
      return (await this.redis.exists(`${this.prefix}${id}`)) === 1;
    } catch {
      return true;
    }
  }

  async useOnce(id: string, until: number): Promise<boolean> {
    try {
      // SET NX: of two relays given one ticket at once, only one sets it.
      return (await this.redis.set(`${this.prefix}${id}`, '1', { expiration: { type: 'PXAT', value: until }, condition: 'NX' })) === 'OK';
    } catch {
      return false;
    }
  }
}
