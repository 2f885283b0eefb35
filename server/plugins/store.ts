import fp from 'fastify-plugin';
import { ConfigError, redact } from '../config.js';
import { sqlitePath } from '../stores/sqlite.js';
import { openStore, type Store } from '../stores/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

/** Opens the store DATABASE_URL names, and closes it last, after the sockets. */
export default fp(
  async (app) => {
    const url = app.config.databaseUrl;
    let store: Store;
    try {
      store = await openStore(url);
    } catch (error) {
      // A database that cannot be opened at start is the operator's to fix: one line naming the variable.
      const what = url.startsWith('sqlite:') ? `SQLite database ${sqlitePath(url)}` : `PostgreSQL at ${redact(url)}`;
      const cause = (error as Error).cause ?? error;
      throw new ConfigError('DATABASE_URL', `cannot open ${what}: ${(cause as Error).message}`);
    }
    app.decorate('store', store);
    app.addHook('onClose', async () => store.close());
  },
  { name: 'store', dependencies: ['config'] },
);
