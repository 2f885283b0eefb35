import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import test, { type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { io } from 'socket.io-client';
import { loadConfig } from '../../../server/config.js';
import { root } from '../../../server/paths.js';
import { msgId, startRelay, tempDir } from '../helpers.js';

const run = promisify(execFile);
const deploy = (file: string) => readFileSync(join(root, 'deploy', file), 'utf8');

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skipWithoutNginx = has('nginx') && has('openssl') ? false : 'skipped: needs nginx and openssl (apt-get install nginx-light)';

test('deploy/env names every variable the relay reads, and the relay accepts its values', () => {
  const env = deploy('env');
  const source = readFileSync(join(root, 'server/config.ts'), 'utf8');
  const read = new Set([...source.matchAll(/env\.([A-Z_]+)|env, '([A-Z_]+)'/g)].map((m) => m[1] ?? m[2]));
  assert.ok(read.size >= 14, `found ${[...read].join(', ')}`);
  for (const name of read) assert.match(env, new RegExp(`^#?${name}=`, 'm'), `${name} is missing from deploy/env`);
  const values = Object.fromEntries(
    env
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const config = loadConfig(values, { widgetDir: '', demoDir: '' });
  assert.equal(config.host, '127.0.0.1');
  assert.deepEqual(config.trustProxy, ['loopback']);
});

test('deploy/live-chat.service passes systemd-analyze verify', { skip: has('systemd-analyze') ? false : 'skipped: no systemd-analyze' }, async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'live-chat.service'), deploy('live-chat.service'));
  const { stderr } = await run('systemd-analyze', ['verify', join(dir, 'live-chat.service')]);
  assert.doesNotMatch(stderr, /live-chat\.service:\d+/, 'no warning about the unit itself');
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

/** GET over HTTPS, trusting nginx's self-signed test certificate. */
function get(url: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

/**
 * deploy/nginx.conf as shipped, with only what a test machine needs changed:
 * ports, a self-signed certificate, the relays' ports, and files in a temp folder.
 */
async function startNginx(t: TestContext, relayPorts: number[]) {
  const dir = tempDir(t);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=chat.example.com',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const [http, https] = [await freePort(), await freePort()];
  let upstreams = 0;
  const site = deploy('nginx.conf')
    .replace(/listen 80;/, `listen 127.0.0.1:${http};`)
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${https} ssl;`)
    .replace(/^\s*listen \[::\].*$/gm, '')
    .replace(/^(\s*)server 127\.0\.0\.1:\d+/gm, (_, indent) => `${indent}server 127.0.0.1:${relayPorts[upstreams++]}`)
    .replace('/etc/letsencrypt/live/chat.example.com/fullchain.pem', join(dir, 'cert.pem'))
    .replace('/etc/letsencrypt/live/chat.example.com/privkey.pem', join(dir, 'key.pem'))
    .replace('/var/cache/nginx/live-chat', join(dir, 'cache'));
  assert.equal(upstreams, relayPorts.length);
  writeFileSync(join(dir, 'site.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `user root; pid ${dir}/nginx.pid; error_log ${dir}/error.log; events {}
     http { access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; include ${dir}/site.conf; }`,
  );
  execFileSync('nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf')]);
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  t.after(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  });
  // Ready once it answers.
  for (let i = 0; ; i++) {
    try {
      await get(`https://127.0.0.1:${https}/healthz`);
      break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { http: `http://127.0.0.1:${http}`, https: `https://127.0.0.1:${https}` };
}

test('deploy/nginx.conf in front of two relays: HTTPS only, long-polling stays on one relay, WebSocket upgrades, the widget cached', { skip: skipWithoutNginx }, async (t) => {
  const relays = [await startRelay(t, { trustProxy: ['loopback'] }), await startRelay(t, { trustProxy: ['loopback'] })];
  const nginx = await startNginx(t, relays.map((relay) => Number(new URL(relay.url).port)));

  const plain = await fetch(`${nginx.http}/live-chat.js`, { redirect: 'manual' });
  assert.equal(plain.status, 301);
  assert.match(plain.headers.get('location')!, /^https:\/\/127\.0\.0\.1\/live-chat\.js$/);

  // Long-polling only: a handshake and its follow-up requests must reach the
  // same relay, or the session is unknown on the other.
  for (const transports of [['polling'], ['websocket']] as const) {
    const socket = io(nginx.https, { transports: [...transports], upgrade: false, rejectUnauthorized: false, reconnection: false, forceNew: true, auth: { name: 'alice' } });
    t.after(() => void socket.disconnect());
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    assert.equal(socket.io.engine.transport.name, transports[0]);
    for (let i = 0; i < 5; i++) {
      const joined = await socket.timeout(3000).emitWithAck('join', { room: `nginx-${transports[0]}` });
      assert.equal(joined.ok, true, JSON.stringify(joined));
      const sent = await socket.timeout(3000).emitWithAck('send', { room: `nginx-${transports[0]}`, text: `hi ${i}`, clientMsgId: msgId() });
      assert.equal(sent.ok, true, JSON.stringify(sent));
    }
    socket.disconnect();
  }

  const widget = await get(`${nginx.https}/live-chat.js`);
  assert.equal(widget.status, 200);
  assert.equal(widget.headers['strict-transport-security'], 'max-age=63072000');
  // Both relays down (an upgrade, a restart): pages still get the widget from nginx's cache.
  for (const relay of relays) await relay.close();
  const stale = await get(`${nginx.https}/live-chat.js`);
  assert.equal(stale.status, 200);
  assert.equal(stale.body, widget.body);
  assert.equal((await get(`${nginx.https}/healthz`)).status, 502);
});
