import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { helpText } from '../../server/cli.js';
import { loadConfig } from '../../server/config.js';
import { root } from '../../server/paths.js';
import { childEnv, freePort, tempDir } from './helpers.js';

const main = join(root, 'dist/server/main.js');
// An empty working folder: nothing here depends on (or writes to) the developer's.
const cwd = mkdtempSync(join(tmpdir(), 'live-chat-cli-cwd-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

/** Runs the built `live-chat-relay` to its end. */
async function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [main, ...args], { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  return { code, stdout, stderr };
}

test('--help lists the flags and every variable the configuration reads, with its default', async () => {
  // Every name loadConfig looks up, whatever config.ts grows into.
  const read = new Set<string>();
  const spy = new Proxy({}, { get: (_, name) => (typeof name === 'string' && read.add(name), undefined) });
  loadConfig(spy, { widgetDir: 'w', demoDir: 'd' });
  assert.ok(read.has('PORT') && read.has('DATABASE_URL') && read.size >= 10, [...read].join(' '));

  const { code, stdout } = await run(['--help']);
  assert.equal(code, 0);
  assert.equal(stdout, helpText());
  for (const flag of ['--port <number>', '--db <file>', '--help', '--version']) assert.ok(stdout.includes(flag), flag);
  for (const name of read) assert.match(stdout, new RegExp(`^  ${name} +\\S+ `, 'm'), `${name} is listed`);
  assert.match(stdout, /^ {2}PORT +3000 /m);
  assert.match(stdout, /^ {2}DATABASE_URL +sqlite:\.\/data\/live-chat\.db /m);
});

test('--version prints the package version', async () => {
  const { code, stdout } = await run(['--version']);
  assert.equal(code, 0);
  assert.equal(stdout, `${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`);
});

test('a wrong command line: one line naming the problem, exit code 2', async () => {
  for (const [args, pattern] of [
    [['--nope'], /^live-chat-relay: Unknown option '--nope'; see live-chat-relay --help\n$/],
    [['lobby'], /^live-chat-relay: Unexpected argument 'lobby'; see live-chat-relay --help\n$/],
    [['--port'], /^live-chat-relay: Option '--port <value>' argument missing; see live-chat-relay --help\n$/],
    [['--port', 'abc'], /^live-chat-relay: --port: expected a whole number, got "abc"\n$/],
    [['--db', ''], /^live-chat-relay: --db needs a value; see live-chat-relay --help\n$/],
  ] as const) {
    const { code, stdout, stderr } = await run([...args], { PORT: '0' });
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, pattern);
    assert.equal(stdout, '', 'nothing started');
  }
});

test('--port and --db win over PORT and DATABASE_URL', async (t) => {
  const dir = tempDir(t);
  const [envPort, flagPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [main, '--port', String(flagPort), '--db', join(dir, 'flag.db')], {
    cwd: dir,
    env: childEnv({ PORT: String(envPort), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'env.db')}`, LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => child.kill('SIGKILL'));
  const listening = await new Promise<string>((resolve) =>
    child.stdout.on('data', (chunk) => /Server listening at (\S+?)"/.exec(String(chunk)) && resolve(/Server listening at (\S+?)"/.exec(String(chunk))![1]!)),
  );
  assert.equal(listening, `http://127.0.0.1:${flagPort}`);
  assert.equal((await fetch(`${listening}/healthz`)).status, 200);
  assert.ok(existsSync(join(dir, 'flag.db')), 'the --db file is the database');
  assert.ok(!existsSync(join(dir, 'env.db')), 'DATABASE_URL is not used');
  child.kill('SIGTERM');
  assert.deepEqual(await once(child, 'exit'), [0, null]);
});
