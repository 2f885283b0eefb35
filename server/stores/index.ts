import { ConfigError } from '../config.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export { StorageError, type Store } from './store.js';

/** Opens the store a DATABASE_URL names: SQLite for one relay, PostgreSQL for several. */
export async function openStore(url: string): Promise<Store> {
  if (url.startsWith('sqlite:')) return openSqliteStore(url);
  try {
    return await openPostgresStore(url);
  } catch (error) {
    throw new ConfigError('DATABASE_URL', `cannot open PostgreSQL at ${redact(url)}: ${(error as Error).message}`);
  }
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}
