import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ClientError } from './errors.js';

/**
 * The relay's allowances. `messages` is per member (RATE_LIMIT); undefined
 * when RATE_LIMIT=off. The limiter itself is built by plugins/limits.ts
 * (in Redis when relays share it).
 */
export class Limits {
  constructor(private readonly messages?: RateLimiterAbstract) {}

  /** Takes one message from the member's allowance, or refuses with how long to wait. */
  async spend(memberId: string): Promise<void> {
    if (!this.messages) return;
    try {
      await this.messages.consume(memberId);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const retryAfterMs = Math.max(1, Math.ceil(refusal.msBeforeNext));
      throw new ClientError('rate_limited', `too many messages; retry in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs);
    }
  }
}
