import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { after } from 'node:test';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { root } from '../../../server/paths.js';
import { childEnv, joined, msgId, request, startRelay, tempDir } from '../helpers.js';

const run = promisify(execFile);
// The script runs in an empty folder of its own with no DATABASE_URL: its
// default database (./data/live-chat.db) is then never the one `npm start`
// left in the developer's working folder.
const cwd = mkdtempSync(join(tmpdir(), 'live-chat-backup-cwd-'));
after(() => rmSync(cwd, { recursive: true, force: true }));
const backup = (...args: string[]) => run(process.execPath, [join(root, 'scripts/backup.mjs'), ...args], { cwd, env: childEnv() });

test('npm run backup copies a live relay’s SQLite database while messages are being sent', async (t) => {
  const relay = await startRelay(t);
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'alice' });

  // One sender, one message at a time, never pausing until told: seq n is "message n".
  let acked = 0;
  let stop = false;
  const sending = (async () => {
    for (let n = 1; !stop; n++) {
      const ack = await request(socket, 'send', { room: 'lobby', text: `message ${n}`, clientMsgId: msgId() });
      assert.equal(ack.ok, true);
      assert.equal(ack.message.seq, n);
      acked = n;
      // Paced, so the relay's WAL is not yet checkpointed into the main file
      // when the copy is made: a plain file copy would miss those messages.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  while (acked < 50) await new Promise((resolve) => setTimeout(resolve, 1));

  const destination = join(tempDir(t), 'copy.db');
  const before = acked;
  const { stdout } = await backup(destination, relay.config.databaseUrl);
  const after = acked;
  stop = true;
  await sending;

  assert.ok(after > before, 'the relay stored messages while the backup ran');
  assert.match(stdout, /messages in 1 rooms →/);
  assert.equal(existsSync(`${destination}.partial`), false);
  assert.equal(existsSync(`${destination}-wal`), false, 'one self-contained file');

  const copy = new Database(destination, { readonly: true });
  t.after(() => copy.close());
  assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
  assert.equal(copy.pragma('journal_mode', { simple: true }), 'delete');
  const rows = copy.prepare('SELECT seq, text FROM messages WHERE room = ? ORDER BY seq').all('lobby') as {
    seq: number;
    text: string;
  }[];
  // Everything acknowledged before the backup started, as one consistent
  // snapshot: seq 1 … n with no gap, each with its text.
  assert.ok(rows.length >= before, `the copy holds ${rows.length} messages, ${before} were stored before it began`);
  assert.ok(rows.length <= after);
  assert.deepEqual(
    rows,
    rows.map((_, i) => ({ seq: i + 1, text: `message ${i + 1}` })),
  );
});

test('backup refuses PostgreSQL, a missing database and an existing destination, saying why', async (t) => {
  const dir = tempDir(t);
  await assert.rejects(backup(join(dir, 'a.db'), 'postgres://u:p@localhost/db'), /PostgreSQL: back it up with pg_dump/);
  await assert.rejects(backup(join(dir, 'a.db'), `sqlite:${join(dir, 'none.db')}`), /cannot open/);
  assert.equal(existsSync(join(dir, 'none.db')), false, 'no empty database is created');
  const relay = await startRelay(t);
  writeFileSync(join(dir, 'taken.db'), 'keep me');
  await assert.rejects(backup(join(dir, 'taken.db'), relay.config.databaseUrl), /exists; choose a new file/);
  await assert.rejects(backup(join(dir, 'b.db')), /usage|cannot open/);
});
