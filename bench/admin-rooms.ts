/**
 * GET /api/rooms with many rooms in the store (default 100,000): fills a
 * SQLite file (and PostgreSQL, with BENCH_POSTGRES_URL) with one message
 * per room, starts a relay on it and prints the latency of the room list
 * (the console's first screen) with and without a filter. A figure, never a
 * pass/fail.
 *
 *   node --import tsx bench/admin-rooms.ts            (BENCH_ROOMS=100000)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { demoDir, widgetDir } from '../server/paths.js';
import { openStore } from '../server/stores/index.js';

const ROOMS = Number(process.env.BENCH_ROOMS ?? 100_000);
const POSTGRES = process.env.BENCH_POSTGRES_URL;
const KEY = 'bench-admin-key-0123456789';
const author = JSON.stringify({ id: 'u1', name: 'Bench', verified: true });

async function fillSqlite(file: string) {
  // Migrated by the store first, then filled in one transaction (appends one by one would take minutes).
  await (await openStore(`sqlite:${file}`)).close();
  const db = new Database(file);
  const message = db.prepare(
    `INSERT INTO messages (room, seq, id, text, author_id, author, ts, rev) VALUES (?, 1, ?, 'hello', 'u1', ?, ?, 1)`,
  );
  const room = db.prepare('INSERT INTO rooms (room, last_seq, rev, messages, last_message_at) VALUES (?, 1, 1, 1, ?)');
  db.transaction(() => {
    for (let i = 0; i < ROOMS; i++) {
      const ts = 1_700_000_000_000 + ((i * 7919) % ROOMS) * 1000;
      message.run(`room-${i}`, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, author, ts);
      room.run(`room-${i}`, ts);
    }
  })();
  db.close();
}

async function fillPostgres(url: string) {
  await (await openStore(url)).close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('TRUNCATE rooms, messages');
  await client.query(
    `INSERT INTO rooms (room, last_seq, rev, messages, last_message_at)
     SELECT 'room-' || i, 1, 1, 1, 1700000000000 + ((i * 7919) % $1) * 1000 FROM generate_series(0, $1 - 1) i`,
    [ROOMS],
  );
  await client.query(
    `INSERT INTO messages (room, seq, id, text, author_id, author, ts, rev)
     SELECT room, 1, gen_random_uuid(), 'hello', 'u1', $1::jsonb, last_message_at, 1 FROM rooms`,
    [author],
  );
  await client.query('ANALYZE rooms');
  await client.end();
}

async function measure(label: string, databaseUrl: string) {
  const config = { ...loadConfig({}, { widgetDir, demoDir }), databaseUrl, adminApiKey: KEY, rateLimit: undefined };
  const app = await buildApp(config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
    const body = (await response.json()) as { rooms: unknown[] };
    return body.rooms.length;
  };
  for (const [what, path] of [
    ['first 100 (default)', '/api/rooms'],
    ['first 500', '/api/rooms?limit=500'],
    ['filter, one match', `/api/rooms?q=room-${ROOMS - 1}`],
    ['filter, many matches', '/api/rooms?q=room-9'],
  ] as const) {
    await get(path); // warm
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      count = await get(path);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(10)} ${what.padEnd(22)} ${String(count).padStart(4)} rooms  median ${times[10]!.toFixed(1)} ms  max ${times.at(-1)!.toFixed(1)} ms`);
  }
  await app.close();
}

const dir = mkdtempSync(join(tmpdir(), 'live-chat-bench-rooms-'));
try {
  const file = join(dir, 'rooms.db');
  let start = performance.now();
  await fillSqlite(file);
  console.log(`${ROOMS} rooms written to SQLite in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  await measure('sqlite', `sqlite:${file}`);
  if (POSTGRES) {
    start = performance.now();
    await fillPostgres(POSTGRES);
    console.log(`${ROOMS} rooms written to PostgreSQL in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    await measure('postgres', POSTGRES);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
