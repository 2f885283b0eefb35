import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';

/**
 * The real PostgreSQL and Redis the scale-out tests use, from the
 * environment (.ci/run sets both). Where a variable is absent, the suites
 * that need it are skipped with a message that says so.
 */
export const postgresUrl = process.env.TEST_POSTGRES_URL;
export const redisUrl = process.env.TEST_REDIS_URL;

export const skipWithoutPostgres = postgresUrl ? false : 'skipped: set TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test)';
export const skipWithoutRedis = redisUrl ? false : 'skipped: set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379)';
export const skipWithoutBoth = skipWithoutPostgres || skipWithoutRedis;

/** A PostgreSQL URL whose tables live in a schema of their own, dropped after the test. */
export async function freshPostgres(t: TestContext): Promise<string> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  t.after(async () => {
    const cleanup = new pg.Client({ connectionString: postgresUrl });
    await cleanup.connect();
    await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
    await cleanup.end();
  });
  const url = new URL(postgresUrl!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** A Redis stream name of its own, so parallel suites and runs never hear each other. */
export function freshStreamName(): string {
  return `live-chat-test-${randomBytes(6).toString('hex')}`;
}
