import type pg from 'pg';
import { streamDestroyed } from '../internals/pg.js';
import { StorageError } from './store.js';

/** A query on the pool whose failure is a StorageError: the rows it answered. */
export type Query = <R extends pg.QueryResultRow>(sql: string, params: unknown[]) => Promise<R[]>;

/** The pool, or one client of it inside a transaction. */
export type Queryable = pg.Pool | pg.PoolClient;

/** Whether a pooled client's connection is still usable. */
export function isHealthy(client: pg.PoolClient): boolean {
  return !streamDestroyed(client);
}

/**
 * Runs `fn` in one transaction on one pooled client: committed if it
 * returns, rolled back (and a StorageError) if it throws. A checked-out
 * client whose connection drops emits 'error' besides failing its query;
 * unheard, that event would end the process. A broken connection is dropped
 * from the pool rather than reused.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new StorageError(error);
  }
  const ignore = () => {};
  client.on('error', ignore);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw new StorageError(error);
  } finally {
    client.off('error', ignore);
    client.release(!isHealthy(client));
  }
}
