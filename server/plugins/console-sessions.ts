import cookie from '@fastify/cookie';
import fp from 'fastify-plugin';
import { ConsoleSessions, MemoryRevocations, type Revocations } from '../http/console-session.js';
import type { Redis } from './redis.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The console's sessions; undefined without ADMIN_API_KEY (no console then). */
    consoleSessions?: ConsoleSessions;
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
    await this.redis.set(`${this.prefix}${id}`, '1', { PXAT: until });
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
      return (await this.redis.set(`${this.prefix}${id}`, '1', { PXAT: until, NX: true })) === 'OK';
    } catch {
      return false;
    }
  }
}

/** The console's sessions, keyed from ADMIN_API_KEY, and their cookie; their revocation list in Redis when REDIS_URL is set. */
export default fp(
  async (app) => {
    const { adminApiKey, redisPrefix } = app.config;
    // Set-Cookie written by @fastify/cookie (sign-out clears it even without a key). No parse of every
    // request (hook: false): only the console's routes read the header, each value of the name.
    await app.register(cookie, { hook: false });
    if (!adminApiKey) return;
    const revocations = app.redis ? new RedisRevocations(app.redis.direct, `${redisPrefix}:console-revoked:`) : new MemoryRevocations();
    app.decorate('consoleSessions', new ConsoleSessions(adminApiKey, revocations));
  },
  { name: 'console-sessions', dependencies: ['config', 'redis'] },
);
