// Copies the relay's SQLite database to one file, safely while the relay runs
// and writes (SQLite's online backup API through better-sqlite3), then checks
// the copy. Usage:
//   npm run backup -- <destination file>        (DATABASE_URL as the relay's)
//   node scripts/backup.mjs <destination file> [sqlite:<source file>]
// PostgreSQL: use pg_dump (see docs/deploy.md, "Backups").
import { existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';

function fail(message) {
  process.stderr.write(`live-chat backup: ${message}\n`);
  process.exit(1);
}

const [destination, url = process.env.DATABASE_URL || 'sqlite:./data/live-chat.db'] = process.argv.slice(2);
if (!destination) fail('usage: npm run backup -- <destination file> [sqlite:<source file>]');
if (/^postgres(ql)?:/.test(url)) fail('DATABASE_URL is PostgreSQL: back it up with pg_dump');
if (!url.startsWith('sqlite:') || url === 'sqlite::memory:') fail(`expected DATABASE_URL=sqlite:<file>, got "${url}"`);
const source = url.slice('sqlite:'.length);
// npm run starts scripts in the package folder; the destination is relative to where it was typed.
const target = resolve(process.env.INIT_CWD ?? '.', destination);
if (resolve(source) === target) fail('the destination is the database itself');
if (existsSync(target)) fail(`${target} exists; choose a new file`);

// The source opened as is (WAL, as the relay set it): a reader never blocks
// the relay's writes, and the copy sees one consistent snapshot.
let db;
try {
  db = new Database(source, { fileMustExist: true });
} catch (error) {
  fail(`cannot open ${source}: ${error.message}`);
}
db.pragma('busy_timeout = 5000');

// Written next to the destination, then renamed: a half-written copy never
// carries the final name.
const partial = `${target}.partial`;
rmSync(partial, { force: true });
try {
  // All remaining pages in each step: a write by the relay between steps would
  // restart the copy, and in WAL mode one long read holds nobody up.
  await db.backup(partial, { progress: () => 0x7fffffff });
} catch (error) {
  rmSync(partial, { force: true });
  fail(`backup failed: ${error.message}`);
} finally {
  db.close();
}

// One self-contained file (no -wal beside it), checked before it is kept.
const copy = new Database(partial);
try {
  copy.pragma('journal_mode = DELETE');
  const check = copy.pragma('integrity_check', { simple: true });
  if (check !== 'ok') throw new Error(`integrity check: ${check}`);
  const { rooms, messages } = copy.prepare('SELECT COUNT(DISTINCT room) AS rooms, COUNT(*) AS messages FROM messages').get();
  copy.close();
  renameSync(partial, target);
  console.log(`live-chat backup: ${messages} messages in ${rooms} rooms → ${target}`);
} catch (error) {
  copy.close();
  rmSync(partial, { force: true });
  fail(error.message);
}
