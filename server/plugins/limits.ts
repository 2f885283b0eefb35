import fp from 'fastify-plugin';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { REPORTS_PER_GUEST_ADDRESS, REPORTS_PER_MEMBER } from '../../protocol/index.js';
import { Limits } from '../chat/limits.js';
import { WRONG_KEYS, WrongKeys } from '../http/wrong-keys.js';
import type { Redis } from './redis.js';

declare module 'fastify' {
  interface FastifyInstance {
    limits: Limits;
    /** Wrong ADMIN_API_KEYs per address, for the admin API and the console's sign-in together. */
    wrongKeys: WrongKeys;
  }
}

/**
 * An allowance of `points` per `windowMs`: in Redis when relays share it, so
 * the limit holds whichever relay a member reaches; in memory otherwise, and
 * as the fallback while Redis is down.
 */
export function rateLimiter({ points, windowMs }: { points: number; windowMs: number }, redis: Redis | undefined, keyPrefix: string) {
  const duration = windowMs / 1000;
  const memory = new RateLimiterMemory({ points, duration });
  if (!redis) return memory;
  return new RateLimiterRedis({ storeClient: redis, useRedisPackage: true, keyPrefix, points, duration, insuranceLimiter: memory });
}

/**
 * The rate limits of RATE_LIMIT and GUEST_RATE_LIMIT and the report
 * allowances, for the chat core; and the wrong admin keys of each address, a
 * guard against guessing that stays on with RATE_LIMIT=off.
 */
export default fp(
  async (app) => {
    const { rateLimit, guestRateLimit, redisPrefix } = app.config;
    const redis = app.redis?.direct;
    app.decorate(
      'limits',
      new Limits({
        writes: rateLimit && rateLimiter(rateLimit, redis, `${redisPrefix}:rate`),
        // RATE_LIMIT=off turns every rate limit off.
        guestAddresses: rateLimit && guestRateLimit && rateLimiter(guestRateLimit, redis, `${redisPrefix}:rate-net`),
        reports: rateLimit && rateLimiter(REPORTS_PER_MEMBER, redis, `${redisPrefix}:reports`),
        guestAddressReports: rateLimit && rateLimiter(REPORTS_PER_GUEST_ADDRESS, redis, `${redisPrefix}:reports-net`),
      }),
    );
    app.decorate('wrongKeys', new WrongKeys(rateLimiter(WRONG_KEYS, redis, `${redisPrefix}:wrong-keys`)));
  },
  { name: 'limits', dependencies: ['config', 'redis'] },
);
