import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fp from 'fastify-plugin';

/** GET / (the demo page), GET /healthz (the process runs), GET /readyz (storage answers). */
export default fp(
  async (app) => {
    const demo = readFileSync(join(app.config.demoDir, 'index.html'));
    app.get('/', async (_request, reply) =>
      reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(demo),
    );
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_request, reply) => {
      try {
        await app.store.ping();
        return { status: 'ready', storage: 'ok' };
      } catch {
        return reply.code(503).send({ status: 'unavailable', storage: 'down' });
      }
    });
  },
  { name: 'pages', dependencies: ['config', 'store'] },
);
