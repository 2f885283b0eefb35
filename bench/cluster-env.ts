/**
 * A cluster of bench relays' environment: PostgreSQL in a schema of its own
 * (made empty, dropped after) and Redis under a prefix of its own, so that
 * runs never see each other's rooms.
 */
import pg from 'pg';

export interface ClusterEnv {
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function clusterEnv(postgres: string, redis: string, name: string): Promise<ClusterEnv> {
  const schema = `bench_${name}_${process.pid}`;
  const admin = new pg.Client({ connectionString: postgres });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const database = new URL(postgres);
  database.searchParams.set('options', `-c search_path=${schema}`);
  return {
    env: { DATABASE_URL: database.toString(), REDIS_URL: redis, REDIS_PREFIX: `bench-${name}-${process.pid}` },
    async drop() {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}
