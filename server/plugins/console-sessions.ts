import cookie from '@fastify/cookie';
import fp from 'fastify-plugin';
import { ConsoleSessions } from '../http/console-session.js';
import { MemoryRevocations, RedisRevocations } from '../http/revocations.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The console's sessions; undefined without ADMIN_API_KEY (no console then). */
    consoleSessions?: ConsoleSessions;
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
