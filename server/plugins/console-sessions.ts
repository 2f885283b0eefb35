import fp from 'fastify-plugin';
import { ConsoleSessions } from '../http/console-session.js';
import { MemoryRevocations, RedisRevocations } from '../http/revocations.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The console's sessions; undefined without ADMIN_API_KEY (no console then). */
    consoleSessions?: ConsoleSessions;
  }
}

/** The console's sessions, keyed from ADMIN_API_KEY; their revocation list in Redis when REDIS_URL is set. */
export default fp(
  async (app) => {
    const { adminApiKey, redisPrefix } = app.config;
    if (!adminApiKey) return;
    const revocations = app.redis ? new RedisRevocations(app.redis.direct, `${redisPrefix}:console-revoked:`) : new MemoryRevocations();
    app.decorate('consoleSessions', new ConsoleSessions(adminApiKey, revocations));
  },
  { name: 'console-sessions', dependencies: ['config', 'redis'] },
);
