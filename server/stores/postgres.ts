import pg from 'pg';
import { checkPg } from '../internals/pg.js';
import { memberStore } from './postgres-members.js';
import { messageStore } from './postgres-messages.js';
import { moderationStore } from './postgres-moderation.js';
import { migrate } from './postgres-schema.js';
import { webhookStore } from './postgres-webhooks.js';
import { StorageError, type Store } from './store.js';
import { activityStore } from './postgres-activity.js';

/**
 * PostgreSQL through `pg`: shared by every relay of a cluster. Built from
 * one file per concern over one pool: the schema (postgres-schema.ts),
 * messages, the webhook queue, members, moderation.
 */
export async function openPostgresStore(url: string): Promise<Store> {
  // An upgrade of pg that moved what postgres-transaction.ts reads stops the relay here, in one line.
  checkPg();
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Fail fast when the database is down: the client is told `unavailable` and retries.
    connectionTimeoutMillis: 2000,
    query_timeout: 5000,
  });
  // An idle client losing its connection must not crash the relay; the next query reconnects.
  pool.on('error', () => {});
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw new StorageError(error);
  }

  async function query<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      return (await pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw new StorageError(error);
    }
  }

  return {
    ...messageStore(pool, query),
    ...activityStore(query),
    ...memberStore(query),
    ...moderationStore(pool, query),
    ...webhookStore(pool, query),
    async ping() {
      await query('SELECT 1', []);
    },
    async close() {
      await pool.end();
    },
  };
}
