import fp from 'fastify-plugin';
import { openStore, type Store } from '../stores/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

/** Opens the store DATABASE_URL names, and closes it last, after the sockets. */
export default fp(
  async (app) => {
    const store = await openStore(app.config.databaseUrl);
    app.decorate('store', store);
    app.addHook('onClose', async () => store.close());
  },
  { name: 'store', dependencies: ['config'] },
);
