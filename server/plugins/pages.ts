import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fp from 'fastify-plugin';

/** GET / (the demo page) and GET /healthz. */
export default fp(
  async (app) => {
    const demo = readFileSync(join(app.config.demoDir, 'index.html'));
    app.get('/', async (_request, reply) =>
      reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(demo),
    );
    app.get('/healthz', async () => ({ status: 'ok' }));
  },
  { name: 'pages', dependencies: ['config'] },
);
