import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { loadConfig } from '../../server/config.js';
import { root } from '../../server/paths.js';
import { childEnv, tempDir } from './helpers.js';

const dirs = { widgetDir: 'w', demoDir: 'd' };

test('defaults are those of PROTOCOL.md', () => {
  const config = loadConfig({}, dirs);
  assert.equal(config.port, 3000);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.databaseUrl, 'sqlite:./data/live-chat.db');
  assert.equal(config.maxMessageLength, 2000);
  assert.equal(config.editWindowMinutes, 15);
  assert.deepEqual(config.reactions, ['👍', '❤️', '😂', '😮', '😢', '🎉']);
  // Socket.IO's own heartbeat defaults.
  assert.deepEqual([config.pingIntervalMs, config.pingTimeoutMs], [25_000, 20_000]);
});

test('the heartbeat can be shortened, within bounds', () => {
  const config = loadConfig({ PING_INTERVAL_MS: '1000', PING_TIMEOUT_MS: '500' }, dirs);
  assert.deepEqual([config.pingIntervalMs, config.pingTimeoutMs], [1000, 500]);
  assert.throws(() => loadConfig({ PING_TIMEOUT_MS: '5' }, dirs), /^ConfigError: PING_TIMEOUT_MS: expected 100–3600000, got 5$/);
});

test('variables are read', () => {
  const config = loadConfig(
    { PORT: '8080', HOST: '127.0.0.1', DATABASE_URL: 'sqlite::memory:', MAX_MESSAGE_LENGTH: '500' },
    dirs,
  );
  assert.deepEqual(
    [config.port, config.host, config.databaseUrl, config.maxMessageLength],
    [8080, '127.0.0.1', 'sqlite::memory:', 500],
  );
});

test('EDIT_WINDOW_MINUTES and REACTIONS: set, 0 or empty disables', () => {
  const set = loadConfig({ EDIT_WINDOW_MINUTES: '60', REACTIONS: ' 👍 ,🇫🇷,👨‍👩‍👧‍👦' }, dirs);
  assert.deepEqual([set.editWindowMinutes, set.reactions], [60, ['👍', '🇫🇷', '👨‍👩‍👧‍👦']]);
  const off = loadConfig({ EDIT_WINDOW_MINUTES: '0', REACTIONS: '' }, dirs);
  assert.deepEqual([off.editWindowMinutes, off.reactions], [0, []]);
});

test('a bad value names its variable', () => {
  for (const [env, pattern] of [
    [{ PORT: '-1' }, /^PORT: expected a whole number, got "-1"$/],
    [{ PORT: '70000' }, /^PORT: expected 0–65535, got 70000$/],
    [{ PORT: 'abc' }, /^PORT:/],
    [{ MAX_MESSAGE_LENGTH: '0' }, /^MAX_MESSAGE_LENGTH:/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL:/],
    [{ DATABASE_URL: 'sqlite:' }, /^DATABASE_URL:/],
    [{ EDIT_WINDOW_MINUTES: '-5' }, /^EDIT_WINDOW_MINUTES: expected a whole number/],
    [{ EDIT_WINDOW_MINUTES: '600000' }, /^EDIT_WINDOW_MINUTES: expected 0–525600/],
    [{ REACTIONS: '👍,,❤️' }, /^REACTIONS: expected comma-separated emoji/],
    [{ REACTIONS: 'thumbs up' }, /^REACTIONS: expected comma-separated emoji/],
    [{ REACTIONS: '👍,👍' }, /^REACTIONS: lists an emoji twice/],
  ] as const) {
    assert.throws(() => loadConfig(env, dirs), { name: 'ConfigError', message: pattern }, JSON.stringify(env));
  }
});

test('WEBHOOK_URL and WEBHOOK_SECRET: both or neither, the secret whsec_ + base64 of 24–64 bytes', () => {
  assert.equal(loadConfig({}, dirs).webhook, undefined);
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  const on = loadConfig({ WEBHOOK_URL: 'https://hooks.example.com/chat', WEBHOOK_SECRET: secret }, dirs).webhook!;
  assert.deepEqual([on.url, on.secret, on.timeoutMs, on.giveUpAfterMs], ['https://hooks.example.com/chat', secret, 10_000, 86_400_000]);
  assert.deepEqual(on.retryDelaysMs, [1000, 5000, 30_000, 120_000, 600_000, 3_600_000]);
  for (const [env, pattern] of [
    [{ WEBHOOK_URL: 'https://hooks.example.com' }, /^WEBHOOK_SECRET: required with WEBHOOK_URL/],
    [{ WEBHOOK_SECRET: secret }, /^WEBHOOK_URL: required with WEBHOOK_SECRET$/],
    [{ WEBHOOK_URL: 'ftp://hooks.example.com', WEBHOOK_SECRET: secret }, /^WEBHOOK_URL: expected an http:\/\/ or https:\/\/ URL/],
    [{ WEBHOOK_URL: 'not a url', WEBHOOK_SECRET: secret }, /^WEBHOOK_URL: expected an http:\/\/ or https:\/\/ URL/],
    [{ WEBHOOK_URL: 'https://h.example', WEBHOOK_SECRET: secret.slice('whsec_'.length) }, /^WEBHOOK_SECRET: expected whsec_ \+ base64 of 24–64 bytes/],
    [{ WEBHOOK_URL: 'https://h.example', WEBHOOK_SECRET: 'whsec_c2hvcnQ=' }, /^WEBHOOK_SECRET: expected whsec_/],
    [{ WEBHOOK_URL: 'https://h.example', WEBHOOK_SECRET: 'whsec_not base64 at all!!' }, /^WEBHOOK_SECRET: expected whsec_/],
  ] as const) {
    assert.throws(() => loadConfig(env, dirs), { name: 'ConfigError', message: pattern }, JSON.stringify(env));
  }
});

/** Runs the built relay (dist/server/main.js) in an empty folder and returns its exit code and stderr. */
async function runRelay(t: TestContext, env: Record<string, string>) {
  const child = spawn(process.execPath, [join(root, 'dist/server/main.js')], {
    cwd: tempDir(t),
    env: childEnv(env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  return { code, stderr };
}

test('the relay refuses to start on a bad value, with one line and a non-zero exit', async (t) => {
  const { code, stderr } = await runRelay(t, { PORT: '-1' });
  assert.equal(code, 1);
  assert.equal(stderr, 'live-chat: bad configuration: PORT: expected a whole number, got "-1"\n');
});

test('the relay refuses to start on an unopenable SQLite path, with one line', async (t) => {
  const file = join(tempDir(t), 'a-file');
  writeFileSync(file, '');
  const { code, stderr } = await runRelay(t, { PORT: '0', DATABASE_URL: `sqlite:${file}/chat.db` });
  assert.equal(code, 1);
  assert.match(stderr, /^live-chat: bad configuration: DATABASE_URL: cannot open SQLite database .*\n$/);
  assert.equal(stderr.split('\n').length, 2, 'one line');
});

test('SIGTERM closes the relay and exits 0', async (t) => {
  const dir = tempDir(t);
  const child = spawn(process.execPath, [join(root, 'dist/server/main.js')], {
    cwd: dir,
    env: childEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'chat.db')}` }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Wait until it listens (pino logs one JSON line).
  await new Promise<void>((resolve) => child.stdout.on('data', (c) => String(c).includes('listening') && resolve()));
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});
