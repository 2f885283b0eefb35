import fp from 'fastify-plugin';
import type { createClient } from 'redis';
import { ConfigError, redact } from '../config.js';

export type Redis = ReturnType<typeof createClient>;

export interface RedisClients {
  /**
   * For the Socket.IO adapter. Commands issued while Redis is away wait in
   * its queue and go out on reconnect: the adapter's read loop must block
   * there, not spin on instant failures.
   */
  adapter: Redis;
  /** For rate limits and health checks: fails at once while Redis is away, so callers fall back instead of hanging. */
  direct: Redis;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when REDIS_URL is: the relays of a cluster share rooms, bans and rate limits through it. */
    redis?: RedisClients;
  }
}

/**
 * Redis clients, when REDIS_URL is set. They reconnect by themselves after
 * an outage (the Socket.IO streams adapter then resumes where it stopped);
 * until then /readyz answers 503 and the relay keeps serving its own clients.
 */
export default fp(
  async (app) => {
    const url = app.config.redisUrl;
    if (!url) return;
    // Loaded only with REDIS_URL: the client is about 40 MB of a relay's
    // memory, which one relay on its own never uses.
    const { createClient } = await import('redis');
    let reported = false;
    const open = (disableOfflineQueue: boolean): Redis => {
      const client: Redis = createClient({
        url,
        disableOfflineQueue,
        socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
        // redis 6 drops a command that has waited 5 s to be sent. The
        // adapter's commands (and those of the copies it makes to read the
        // stream and to listen) must wait out an outage of any length, as
        // above. The direct client sends at once or fails at once: no change there.
        commandOptions: { timeout: undefined },
      });
      client.on('error', (error: Error) => {
        // Logged once per outage, not once per reconnection attempt.
        if (!reported) app.log.warn({ err: error.message }, 'redis unavailable; reconnecting');
        reported = true;
      });
      client.on('ready', () => {
        if (reported) app.log.info('redis back');
        reported = false;
      });
      return client;
    };
    const clients: RedisClients = { adapter: open(false), direct: open(true) };
    try {
      await Promise.all([clients.adapter.connect(), clients.direct.connect()]);
    } catch (error) {
      for (const c of Object.values(clients)) c.destroy();
      throw new ConfigError('REDIS_URL', `cannot connect to ${redact(url)}: ${(error as Error).message}`);
    }
    app.decorate('redis', clients);
    app.addHook('onClose', async () => {
      // close() lets the commands already sent get their answers; while Redis
      // is away that would be forever, so then destroy() drops them.
      await Promise.all(Object.values(clients).map((c) => (c.isReady ? c.close().catch(() => c.destroy()) : c.destroy())));
    });
  },
  { name: 'redis', dependencies: ['config'] },
);
