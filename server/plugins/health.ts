import fp from 'fastify-plugin';

/** 'ok' when the check answers within a second, 'down' otherwise. */
function answers(check: Promise<unknown>): Promise<'ok' | 'down'> {
  return Promise.race([
    check.then(() => 'ok' as const, () => 'down' as const),
    new Promise<'down'>((resolve) => setTimeout(resolve, 1000, 'down').unref()),
  ]);
}

/** GET /healthz (the process runs), GET /readyz (storage, and Redis if set, answer). */
export default fp(
  async (app) => {
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_request, reply) => {
      const [storage, redis] = await Promise.all([
        answers(app.store.ping()),
        app.redis ? answers(app.redis.direct.ping()) : undefined,
      ]);
      const ready = storage === 'ok' && redis !== 'down';
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', storage, ...(redis ? { redis } : {}) });
    });
  },
  { name: 'health', dependencies: ['config', 'store'] },
);
