import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export { StorageError, type Store } from './store.js';

/**
 * Opens the store a DATABASE_URL names: SQLite for one relay, PostgreSQL for
 * several. Fails with StorageError. The PostgreSQL client is loaded only when
 * asked for (about 16 MB of a relay's memory that a SQLite relay never uses).
 */
export async function openStore(url: string): Promise<Store> {
  if (url.startsWith('sqlite:')) return openSqliteStore(url);
  const { openPostgresStore } = await import('./postgres.js');
  return openPostgresStore(url);
}
