import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { FastifyRequest } from 'fastify';
import { addressKey } from '../chat/address.js';
import { ClientError } from '../chat/errors.js';

/**
 * Wrong ADMIN_API_KEYs one address may try per window, on the admin API and
 * the console's sign-in together: 10 per 10 minutes. An administrator who
 * mistypes the key is not locked out for long, and a guesser gets 1,440
 * tries a day from one address where it had 600 a second: against a key of
 * at least 16 random characters, nothing.
 */
export const WRONG_KEYS = { points: 10, windowMs: 10 * 60_000 };

/**
 * The wrong-key budget of each address (an IPv4 address, an IPv6 /64), in
 * Redis when relays share one (plugins/limits.ts builds the limiter).
 */
export class WrongKeys {
  constructor(private readonly limiter: RateLimiterAbstract) {}

  /**
   * Called once a presented key was compared: a wrong key takes a point,
   * and is refused `rate_limited` (429, Retry-After) rather than 401 past
   * the allowance; a right key passes unless the address is held. A right
   * key from a held address is refused too: were it let through, the answer
   * (429 for a wrong key, 200 for the right one) would still tell a guesser
   * which key is right, at full speed, and the limit would guard nothing.
   */
  async check(request: FastifyRequest, right: boolean): Promise<void> {
    const address = addressKey(request.ip) ?? request.ip;
    try {
      if (!right) {
        await this.limiter.consume(address);
        return;
      }
      const held = await this.limiter.get(address);
      if (held && held.consumedPoints >= WRONG_KEYS.points) throw held;
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const retryAfterMs = Math.max(1, Math.ceil(refusal.msBeforeNext));
      request.log.warn({ ip: request.ip }, 'admin key guesses refused');
      throw new ClientError('rate_limited', `too many wrong keys from this address; retry in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs);
    }
  }
}
