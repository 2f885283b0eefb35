import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export { StorageError, type Store } from './store.js';

/** Opens the store a DATABASE_URL names: SQLite for one relay, PostgreSQL for several. Fails with StorageError. */
export async function openStore(url: string): Promise<Store> {
  return url.startsWith('sqlite:') ? openSqliteStore(url) : openPostgresStore(url);
}
