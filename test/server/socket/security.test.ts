import assert from 'node:assert/strict';
import { test } from 'node:test';
import { io } from 'socket.io-client';
import { connect, joined, msgId, next, request, sleep, startRelay } from '../helpers.js';

const allowed = 'https://allowed.example';

/** A Node client can forge any Origin header, as an attacker's script outside a browser would. */
function connectFrom(t: any, url: string, origin: string, transport: 'websocket' | 'polling') {
  const socket = io(url, {
    transports: [transport],
    reconnection: false,
    forceNew: true,
    extraHeaders: { origin },
    auth: { name: 'someone' },
  });
  t.after(() => void socket.disconnect());
  return new Promise<typeof socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

for (const transport of ['websocket', 'polling'] as const) {
  test(`ALLOWED_ORIGINS is enforced at the handshake over ${transport}`, async (t) => {
    const relay = await startRelay(t, { allowedOrigins: [allowed] });
    await assert.rejects(connectFrom(t, relay.url, 'https://evil.example', transport), { message: 'origin_not_allowed' });
    await assert.rejects(connectFrom(t, relay.url, 'null', transport), { message: 'origin_not_allowed' });
    await assert.rejects(connectFrom(t, relay.url, 'https://allowed.example.evil.example', transport), {
      message: 'origin_not_allowed',
    });
    const ok = await connectFrom(t, relay.url, allowed, transport);
    assert.equal((await request(ok as any, 'join', { room: 'lobby' })).ok, true);
    // The relay's own pages (the demo) may always connect.
    const own = await connectFrom(t, relay.url, relay.url, transport);
    assert.equal(own.connected, true);
  });
}

test('CORS headers name only allowed origins', async (t) => {
  const relay = await startRelay(t, { allowedOrigins: [allowed] });
  const good = await fetch(`${relay.url}/api/rooms/lobby/messages`, { headers: { origin: allowed } });
  assert.equal(good.headers.get('access-control-allow-origin'), allowed);
  const bad = await fetch(`${relay.url}/api/rooms/lobby/messages`, { headers: { origin: 'https://evil.example' } });
  assert.equal(bad.headers.get('access-control-allow-origin'), null);
  const polling = await fetch(`${relay.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://evil.example' } });
  assert.equal(polling.headers.get('access-control-allow-origin'), null);
  // The widget script itself stays loadable from anywhere.
  const script = await fetch(`${relay.url}/live-chat.js`, { headers: { origin: 'https://evil.example' } });
  assert.equal(script.headers.get('access-control-allow-origin'), '*');
});

test('too_many_connections: MAX_CONNECTIONS_PER_IP caps one address; a freed slot can be reused', async (t) => {
  const relay = await startRelay(t, { maxConnectionsPerIp: 3 });
  const sockets = [];
  for (let i = 0; i < 3; i++) sockets.push(await connect(t, relay.url, { name: `c${i}` }));
  await assert.rejects(connect(t, relay.url, { name: 'c4' }), { message: 'too_many_connections' });
  sockets[0]!.disconnect();
  await sleep(100);
  const again = await connect(t, relay.url, { name: 'c5' });
  assert.equal(again.connected, true);
});

test('TRUST_PROXY: the cap counts X-Forwarded-For addresses behind a trusted proxy', async (t) => {
  const relay = await startRelay(t, { maxConnectionsPerIp: 1, trustProxy: ['loopback'] });
  const from = (address: string) =>
    new Promise((resolve, reject) => {
      const socket = io(relay.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { 'x-forwarded-for': address } });
      t.after(() => void socket.disconnect());
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  await from('203.0.113.1');
  await from('203.0.113.2');
  await assert.rejects(from('203.0.113.1'), { message: 'too_many_connections' });
});

test('a connection that joins no room is closed after the join timeout', async (t) => {
  const relay = await startRelay(t, { joinTimeoutMs: 300 });
  const idle = await connect(t, relay.url, { name: 'idle' });
  const active = await joined(t, relay.url, 'lobby', { name: 'active' });
  assert.equal(await next(idle, 'disconnect', 2000), 'io server disconnect');
  await sleep(200);
  assert.equal(active.socket.connected, true);
});

test('unavailable: storage down answers sends with unavailable and /readyz with 503; nothing crashes', async (t) => {
  const relay = await startRelay(t);
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'alice' });
  assert.equal((await fetch(`${relay.url}/readyz`)).status, 200);
  await relay.app.store.close();
  const ack = await request(socket, 'send', { room: 'lobby', text: 'hello?', clientMsgId: msgId() });
  assert.deepEqual(ack.error.code, 'unavailable');
  assert.equal((await request(socket, 'join', { room: 'lobby' })).error.code, 'unavailable');
  const ready = await fetch(`${relay.url}/readyz`);
  assert.equal(ready.status, 503);
  assert.equal((await fetch(`${relay.url}/api/rooms/lobby/messages`)).status, 503);
  assert.equal((await fetch(`${relay.url}/healthz`)).status, 200, 'the process still runs');
});

test('internal: an unexpected failure answers internal, without details, and the relay goes on', async (t) => {
  const relay = await startRelay(t);
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'alice' });
  // A fake fault: the real store is patched to throw a programming error once.
  const store = relay.app.store;
  const lastSeq = store.lastSeq;
  store.lastSeq = async () => {
    store.lastSeq = lastSeq;
    throw new TypeError('a bug with a secret path /srv/x');
  };
  const ack = await request(socket, 'join', { room: 'lobby' });
  assert.deepEqual(ack, { ok: false, error: { code: 'internal', message: 'internal error' } });
  assert.equal((await request(socket, 'join', { room: 'lobby' })).ok, true);
});
