import type { Store } from './store.js';
import { openSqliteStore } from './sqlite.js';

export { StorageError, type Store } from './store.js';

/** Opens the store a DATABASE_URL names. */
export function openStore(url: string): Store {
  if (url.startsWith('sqlite:')) return openSqliteStore(url);
  throw new Error(`unsupported DATABASE_URL: ${url.split(':')[0]}`);
}
