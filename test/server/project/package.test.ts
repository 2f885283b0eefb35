// The package as a consumer gets it: `npm pack` (which builds through
// prepack), then `npm install ./live-chat-*.tgz` in an empty folder, as the
// manual's docs/install.md says, including the install-script approval
// better-sqlite3 needs. Slow by nature (better-sqlite3's addon is compiled).
// Needs the npm registry (or the npm cache) and nothing else from the network.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { rollup, type RollupLog } from 'rollup';
import { root } from '../../../server/paths.js';
import { freePort } from '../helpers.js';
import { env, pack, run, typeCheck } from './npm.js';

const work = mkdtempSync(join(tmpdir(), 'live-chat-package-'));
const consumer = join(work, 'consumer');
after(() => rmSync(work, { recursive: true, force: true }));

let files: string[] = [];
let installLog = '';

before(
  async () => {
    const report = await pack(root, work);
    files = report.files;

    // An empty project that approves better-sqlite3's install script, as docs/install.md says.
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', allowScripts: { 'better-sqlite3': true } }, null, 2),
    );
    const installed = await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn', join(work, report.filename)],
      consumer,
    );
    installLog = installed.stdout + installed.stderr;
  },
  { timeout: 15 * 60_000 },
);

test('the tarball holds the built relay, widget, types and manifest, and no sources or tests', () => {
  for (const file of [
    'package.json',
    'README.md',
    'custom-elements.json',
    'demo/index.html',
    'demo/demo.css',
    'demo/demo.js',
    'dist/server/main.js',
    'dist/widget/live-chat.js',
    'dist/widget/live-chat.js.map',
    'dist/widget/live-chat-moderator.js',
    'dist/console/console.js',
    // Compressed by the build, sent as they are (no compression at start or per request).
    'dist/widget/live-chat.js.br',
    'dist/widget/live-chat.js.gz',
    'dist/widget/live-chat-moderator.js.br',
    'dist/widget/live-chat-moderator.js.gz',
    'dist/console/console.js.br',
    'dist/console/console.js.gz',
    'console/console.css',
    'dist/esm/widget/module.js',
    'dist/esm/widget/module.d.ts',
    'dist/esm/widget/live-chat.d.ts',
    'dist/protocol/index.js',
    'dist/protocol/index.d.ts',
  ]) {
    assert.ok(files.includes(file), `${file} is packed`);
  }
  const unwanted = files.filter((file) => /^(test|bench|scripts|server|widget|client|protocol|docs)\//.test(file) || /(?<!\.d)\.ts$/.test(file));
  assert.deepEqual(unwanted, []);
});

test('installing needs no other install script than the approved better-sqlite3', () => {
  // npm 11 lists dependencies whose install scripts allowScripts does not cover (and a later npm blocks them).
  assert.doesNotMatch(installLog, /not yet covered by allowScripts/);
  assert.ok(existsSync(join(consumer, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')), 'the addon was built');
});

test('npx live-chat-relay --help and --version', async () => {
  const help = await run('npx', ['live-chat-relay', '--help'], consumer);
  for (const text of ['--port <number>', '--db <file>', '--version', 'PORT', 'DATABASE_URL', 'ADMIN_API_KEY']) {
    assert.ok(help.stdout.includes(text), text);
  }
  const version = await run('npx', ['live-chat-relay', '--version'], consumer);
  assert.equal(version.stdout, `${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`);
});

test('npx live-chat-relay --port --db serves the widget and the demo from its own install', async (t) => {
  const port = await freePort();
  const db = join(work, 'chat.db');
  // Its own process group: npx does not pass signals on to the relay, so the group is stopped.
  const relay: ChildProcess = spawn('npx', ['live-chat-relay', '--port', String(port), '--db', db], {
    cwd: consumer,
    env: { ...env, HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const stop = (signal: NodeJS.Signals) => {
    try {
      process.kill(-relay.pid!, signal);
    } catch {
      // already gone
    }
  };
  t.after(() => stop('SIGKILL'));
  await new Promise<void>((started, failed) => {
    relay.stdout!.on('data', (chunk) => String(chunk).includes('Server listening at') && started());
    relay.once('exit', (code) => failed(new Error(`the relay exited (${code}) before listening`)));
  });
  const url = `http://127.0.0.1:${port}`;

  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' });
  const script = await fetch(`${url}/live-chat.js`, { headers: { 'accept-encoding': 'identity' } });
  assert.equal(script.status, 200);
  assert.deepEqual(
    Buffer.from(await script.arrayBuffer()),
    readFileSync(join(consumer, 'node_modules/live-chat/dist/widget/live-chat.js')),
    "the installed package's widget",
  );
  assert.match(await (await fetch(`${url}/`)).text(), /<live-chat /);
  assert.equal((await fetch(`${url}/openapi.json`)).status, 200);
  assert.ok(existsSync(db), 'the --db file is the database');
  stop('SIGTERM');
});

test("'live-chat/widget' resolves, and its types check a consumer's code under both module resolutions", async () => {
  const resolved = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "for (const s of ['live-chat/widget', 'live-chat/widget/live-chat.js', 'live-chat/custom-elements.json']) console.log(import.meta.resolve(s))",
    ],
    consumer,
  );
  const installed = join(consumer, 'node_modules/live-chat');
  assert.deepEqual(
    resolved.stdout.trim().split('\n').map((url) => fileURLToPath(url)),
    [join(installed, 'dist/esm/widget/module.js'), join(installed, 'dist/widget/live-chat.js'), join(installed, 'custom-elements.json')],
  );
  assert.ok(existsSync(join(installed, 'dist/esm/widget/module.d.ts')), 'the entry has its .d.ts');

  writeFileSync(
    join(consumer, 'main.ts'),
    `import { LiveChat, LiveChatMessageEvent, type Message } from 'live-chat/widget';

const chat: LiveChat = document.createElement('live-chat');
chat.room = 'lobby';
chat.mode = 'launcher';
// @ts-expect-error mode is 'inline' | 'launcher' (fails if the types were any)
chat.mode = 'sideways';
chat.addEventListener('live-chat-message', (event) => {
  const message: Message = event.message;
  console.log(message.author.name, message.text.length, event instanceof LiveChatMessageEvent);
});
chat.addEventListener('live-chat-unread', (event) => console.log(event.count.toFixed(0)));
chat.addEventListener('live-chat-error', (event) => console.log(event.error.code));
chat.send('hello');
chat.open();
document.body.append(chat);
`,
  );
  await typeCheck(consumer, { files: ['main.ts'] });
});

test("'live-chat/protocol' gives a typed client the contract's types and its zod schemas", async () => {
  writeFileSync(
    join(consumer, 'client.ts'),
    `import { errorCode, message, sendRequest, type ErrorCode, type Message } from 'live-chat/protocol';

const request = sendRequest.parse({ room: 'lobby', text: 'hi' });
const code: ErrorCode = errorCode.parse('rate_limited');
// @ts-expect-error not an error code of the contract (fails if the types were any)
const wrong: ErrorCode = 'oops';
export function show(m: Message): string {
  return \`\${m.author.name}: \${m.text} (\${message.safeParse(m).success})\`;
}
console.log(request.room, code, wrong);
`,
  );
  await typeCheck(consumer, { files: ['client.ts'] }, {}, 'tsconfig.protocol.json');
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', "const p = await import('live-chat/protocol'); console.log(p.sendRequest.safeParse({ room: 'lobby' }).success, p.MAX_MEMBER_ID_LENGTH)"],
    consumer,
  );
  assert.equal(stdout, 'false 200\n');
});

test("the manifest (package.json customElements) describes <live-chat>'s attributes and events, at shipped paths", () => {
  const installed = join(consumer, 'node_modules/live-chat');
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(installed, pkg.customElements), 'utf8'));
  const module = manifest.modules.find((m: any) => m.exports?.some((e: any) => e.kind === 'custom-element-definition' && e.name === 'live-chat'));
  assert.ok(module, 'a module defines live-chat');
  assert.ok(existsSync(join(installed, module.path)), `${module.path} is in the package`);
  const element = module.declarations.find((d: any) => d.tagName === 'live-chat');
  assert.deepEqual(element.attributes.map((a: any) => a.name).sort(), ['density', 'lang', 'mode', 'name', 'room', 'server', 'signin-url', 'theme', 'title', 'token']);
  assert.ok(element.attributes.every((a: any) => a.description), 'every attribute is described');
  assert.deepEqual(
    element.events.map((e: any) => `${e.name}: ${e.type.text}`).sort(),
    [
      'live-chat-connect: LiveChatConnectEvent',
      'live-chat-disconnect: LiveChatDisconnectEvent',
      'live-chat-error: LiveChatErrorEvent',
      'live-chat-mention: LiveChatMentionEvent',
      'live-chat-message: LiveChatMessageEvent',
      'live-chat-signin: LiveChatSigninEvent',
      'live-chat-unread: LiveChatUnreadEvent',
    ],
  );
});

test("a consumer's bundler bundles 'live-chat/widget' with its Lit and socket.io-client", async () => {
  const entry = join(consumer, 'entry.js');
  writeFileSync(entry, "import { LiveChat } from 'live-chat/widget';\ndocument.body.append(Object.assign(new LiveChat(), { room: 'lobby' }));\n");
  const warnings: RollupLog[] = [];
  const bundle = await rollup({ input: entry, plugins: [nodeResolve({ browser: true })], onwarn: (warning) => void warnings.push(warning) });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  // Not one warning: every import resolves, and no top-level `this` (tsc's inline helpers) to rewrite.
  assert.deepEqual(warnings.map((w) => `${w.code}: ${w.message}`), []);
  const modules = Object.keys(output[0].modules).map((id) => id.slice(consumer.length + 1));
  // Lit and socket.io-client come from the consumer's node_modules, as dependencies of the package.
  for (const prefix of ['live-chat/dist/esm/widget/', 'live-chat/dist/esm/client/', 'lit-element/', 'lit-html/', 'socket.io-client/build/esm/'].map(
    (p) => `node_modules/${p}`,
  )) {
    assert.ok(modules.some((id) => id.startsWith(prefix)), `${prefix} is in the bundle`);
  }
  assert.match(output[0].code, /customElements\.define\(/);
});
