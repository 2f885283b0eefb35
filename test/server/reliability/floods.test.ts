import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { test } from 'node:test';
import { client, controlPair, PollingSession, rawTcp, RawSocket } from '../attack-helpers.js';
import { msgId, next, request, sleep, startRelay } from '../helpers.js';

/**
 * Floods from one attacker, each against a relay with a control pair of real
 * clients (from other addresses, through a trusted proxy's X-Forwarded-For)
 * that must keep chatting during and after the flood.
 */

const attacker = '203.0.113.66';
const elsewhere = '198.51.100.7';
const behindProxy = { trustProxy: ['loopback'] };

test('message burst: the sender gets rate_limited with retryAfterMs, the control pair is unaffected', async (t) => {
  const relay = await startRelay(t, { ...behindProxy, rateLimit: { points: 5, windowMs: 60_000 } });
  const control = await controlPair(t, relay.url, { forwardedFor: elsewhere });
  const flooder = await client(t, relay.url, { auth: { name: 'flooder' }, forwardedFor: attacker });
  assert.equal((await request(flooder, 'join', { room: 'control' })).ok, true);
  const received: string[] = [];
  control.bob.on('message', (m) => received.push(m.text));

  const burst = Array.from({ length: 200 }, (_, i) => request(flooder, 'send', { room: 'control', text: `flood ${i}`, clientMsgId: msgId() }));
  // The control pair chats while the burst is being handled.
  await Promise.all([control.chat('during the burst'), ...burst]);
  const acks = await Promise.all(burst);
  assert.equal(acks.filter((a) => a.ok).length, 5, 'exactly RATE_LIMIT sends accepted');
  const refused = acks.filter((a) => !a.ok);
  assert.equal(refused.length, 195);
  for (const ack of refused) {
    assert.equal(ack.error.code, 'rate_limited');
    assert.ok(ack.error.retryAfterMs > 0 && ack.error.retryAfterMs <= 60_000, String(ack.error.retryAfterMs));
  }
  await control.chat('after the burst');
  assert.equal(received.filter((text) => text.startsWith('flood ')).length, 5, 'only the accepted ones were broadcast');
  assert.ok(flooder.connected, 'refusing is enough: the sender stays connected');
});

test('connection flood from one address: too_many_connections past MAX_CONNECTIONS_PER_IP, others unaffected, the count drops back', async (t) => {
  const relay = await startRelay(t, { ...behindProxy, maxConnectionsPerIp: 5 });
  const control = await controlPair(t, relay.url, { forwardedFor: elsewhere });
  const attempts = await Promise.allSettled(
    Array.from({ length: 40 }, (_, i) => client(t, relay.url, { auth: { name: `flood${i}` }, forwardedFor: attacker })),
  );
  const connected = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
  const refusals = attempts.flatMap((a) => (a.status === 'rejected' ? [(a.reason as Error).message] : []));
  assert.equal(connected.length, 5);
  assert.deepEqual(new Set(refusals), new Set(['too_many_connections']));
  await control.chat('during the flood');
  // Another address is not counted with the attacker's.
  assert.ok((await client(t, relay.url, { forwardedFor: '198.51.100.8' })).connected);

  for (const socket of connected) socket.disconnect();
  await sleep(100);
  const again = await Promise.all(Array.from({ length: 5 }, () => client(t, relay.url, { forwardedFor: attacker })));
  assert.equal(again.length, 5, 'every slot was given back');
  await assert.rejects(client(t, relay.url, { forwardedFor: attacker }), { message: 'too_many_connections' });
  await control.chat('after the flood');
});

test('connections that never open a Socket.IO session count against MAX_CONNECTIONS_PER_IP and are closed', async (t) => {
  const relay = await startRelay(t, { ...behindProxy, maxConnectionsPerIp: 5, joinTimeoutMs: 1000 });
  const control = await controlPair(t, relay.url, { forwardedFor: elsewhere });
  const headers = { 'x-forwarded-for': attacker };
  // Engine.IO handshakes only: no Socket.IO CONNECT, so no middleware ever sees them.
  const raw = await Promise.all(Array.from({ length: 5 }, () => RawSocket.open(relay.url, { headers })));
  const refused = await Promise.allSettled(Array.from({ length: 20 }, () => RawSocket.open(relay.url, { headers })));
  for (const attempt of refused) {
    assert.equal(attempt.status, 'rejected');
    assert.match(String(attempt.reason), /upgrade refused: 400/);
  }
  const upgrade = await rawTcp(relay.url, [
    'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Forwarded-For: ${attacker}\r\n\r\n`,
  ]);
  assert.match(upgrade, /^HTTP\/1\.1 400 [^]*\r\n\r\ntoo_many_connections$/, 'a clear refusal');
  const polling = await fetch(`${relay.url}/socket.io/?EIO=4&transport=polling`, { headers });
  assert.equal(polling.status, 403);
  assert.deepEqual(await polling.json(), { code: 4, message: 'too_many_connections' });
  await control.chat('during the flood');
  // The relay closes them (within the join timeout), and the slots come back.
  for (const socket of raw) assert.ok(await socket.closedWithin(3000), 'an idle Engine.IO connection was left open');
  const member = await client(t, relay.url, { forwardedFor: attacker });
  assert.ok(member.connected);
  await control.chat('after the flood');
});

test('handshakes that never join are closed after the join timeout, and their slots come back', async (t) => {
  const relay = await startRelay(t, { ...behindProxy, maxConnectionsPerIp: 20, joinTimeoutMs: 500 });
  const control = await controlPair(t, relay.url, { forwardedFor: elsewhere });
  const idle = await Promise.all(Array.from({ length: 20 }, (_, i) => client(t, relay.url, { auth: { name: `idle${i}` }, forwardedFor: attacker })));
  await assert.rejects(client(t, relay.url, { forwardedFor: attacker }), { message: 'too_many_connections' });
  const reasons = await Promise.all(idle.map((socket) => next(socket, 'disconnect', 3000)));
  assert.deepEqual(new Set(reasons), new Set(['io server disconnect']));
  await control.chat('after the idle ones were closed');
  assert.ok(control.alice.connected && control.bob.connected, 'joined members are never closed');
  await sleep(100);
  const again = await Promise.all(Array.from({ length: 20 }, () => client(t, relay.url, { forwardedFor: attacker })));
  assert.equal(again.length, 20);
});

test('one connection joining many rooms: forbidden past 50, rejoining is still a resync, others unaffected', async (t) => {
  const relay = await startRelay(t, behindProxy);
  const control = await controlPair(t, relay.url, { forwardedFor: elsewhere });
  const hoarder = await client(t, relay.url, { auth: { name: 'hoarder' }, forwardedFor: attacker });
  const acks = await Promise.all(Array.from({ length: 120 }, (_, i) => request(hoarder, 'join', { room: `room-${i}` })));
  assert.equal(acks.filter((a) => a.ok).length, 50);
  for (const ack of acks.filter((a) => !a.ok)) {
    assert.equal(ack.error.code, 'forbidden');
    assert.match(ack.error.message, /50 rooms/);
  }
  await control.chat('during');
  const joinedRoom = acks.findIndex((a) => a.ok);
  assert.equal((await request(hoarder, 'join', { room: `room-${joinedRoom}` })).ok, true, 'a room already joined is a resync');
  const refusedRoom = acks.findIndex((a) => !a.ok);
  assert.equal((await request(hoarder, 'leave', { room: `room-${joinedRoom}` })).ok, true);
  assert.equal((await request(hoarder, 'join', { room: `room-${refusedRoom}` })).ok, true, 'leaving one frees a place');
  assert.equal(relay.app.sockets.io.of('/').adapter.rooms.size < 60 + 10, true, 'the relay holds no room for the refused joins');
});

test('a polling client flooding POSTs: packets past RATE_LIMIT are refused, overlapping POSTs end only its session', async (t) => {
  const relay = await startRelay(t, { ...behindProxy, rateLimit: { points: 5, windowMs: 60_000 } });
  const control = await controlPair(t, relay.url, { forwardedFor: elsewhere });
  const session = await PollingSession.member(relay.url, { name: 'poller' });
  assert.equal((await session.post('421["join",{"room":"control"}]')).status, 200);
  assert.match((await session.poll()).body, /431\[\{"ok":true/);

  // One POST carrying 300 send events (under 64 KB).
  const packets = Array.from({ length: 300 }, (_, i) => `42${100 + i}["send",{"room":"control","text":"p${i}","clientMsgId":"${msgId()}"}]`);
  assert.equal((await session.post(packets.join('\x1e'))).status, 200);
  const acks: any[] = [];
  while (acks.length < 300) {
    const { status, body } = await session.poll();
    assert.equal(status, 200);
    for (const packet of body.split('\x1e')) {
      const match = /^43\d+\[(.*)\]$/.exec(packet);
      if (match) acks.push(JSON.parse(match[1]!));
    }
  }
  assert.equal(acks.filter((a) => a.ok).length, 5);
  assert.ok(acks.filter((a) => !a.ok).every((a) => a.error.code === 'rate_limited' && a.error.retryAfterMs > 0));
  await control.chat('after the packed POST');

  // A POST whose body is still coming, and more POSTs meanwhile: the overlap ends that session (400), nobody else's.
  const target = new URL(session.endpoint);
  const slow = connect(Number(target.port), target.hostname);
  slow.on('error', () => {});
  await once(slow, 'connect');
  slow.write(`POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n3`);
  await sleep(100);
  const posts = await Promise.all(Array.from({ length: 30 }, () => session.post('3')));
  assert.ok(posts.every((p) => p.status === 400), JSON.stringify(posts.map((p) => p.status)));
  slow.destroy();
  const after = await session.post('3');
  assert.equal(after.status, 400);
  assert.deepEqual(JSON.parse(after.body), { code: 1, message: 'Session ID unknown' });
  await control.chat('after the overlapping POSTs');
});

test('a request body trickled in (slowloris) is cut off after the request timeout; the control pair is unaffected', async (t) => {
  const relay = await startRelay(t, { ...behindProxy, joinTimeoutMs: 500 });
  // Over long-polling, whose GETs the relay holds for far longer than the request timeout.
  const control = await controlPair(t, relay.url, { forwardedFor: elsewhere, transport: 'polling' });
  const session = await PollingSession.member(relay.url, { name: 'slow' });
  const target = new URL(session.endpoint);
  const slow = (path: string) =>
    rawTcp(relay.url, [`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n4`], { ms: 10_000 });
  const [polling, api] = await Promise.all([
    slow(`${target.pathname}${target.search}`),
    slow('/api/rooms/control/messages'),
    control.chat('while the bodies trickle'),
  ]);
  // Answered 408 and closed by the relay (rawTcp returns when the relay closes), not left hanging.
  assert.match(polling, /^HTTP\/1\.1 408 /);
  assert.match(api, /^HTTP\/1\.1 408 /);
  await sleep(1500);
  await control.chat('after an idle long-poll');
});

test('guests of one address share a budget, however many ids they churn; verified members there keep their own', async (t) => {
  const secret = 'a-test-secret-that-is-at-least-32-chars';
  const relay = await startRelay(t, {
    ...behindProxy,
    jwtSecret: secret,
    rateLimit: { points: 5, windowMs: 60_000 },
    guestRateLimit: { points: 15, windowMs: 60_000 },
  });
  const control = await controlPair(t, relay.url, { forwardedFor: elsewhere });
  // 20 guest ids from one address, then 30 fresh ones, each sending what its own allowance permits.
  let accepted = 0;
  for (let i = 0; i < 50; i++) {
    const guest = await client(t, relay.url, { auth: { name: `g${i}`, clientId: `churned-client-${i}` }, forwardedFor: attacker });
    assert.equal((await request(guest, 'join', { room: 'control' })).ok, true);
    const acks = await Promise.all(Array.from({ length: 5 }, () => request(guest, 'send', { room: 'control', text: 'spam', clientMsgId: msgId() })));
    accepted += acks.filter((a) => a.ok).length;
    for (const ack of acks.filter((a) => !a.ok)) {
      assert.equal(ack.error.code, 'rate_limited');
      assert.ok(ack.error.retryAfterMs > 0);
    }
    guest.disconnect();
  }
  assert.equal(accepted, 15, 'the address got GUEST_RATE_LIMIT messages in all, not 5 per id');
  // An IPv6 neighbour in the same /64 shares it; another address does not.
  const neighbour = await client(t, relay.url, { auth: { name: 'v6' }, forwardedFor: '2001:db8:1:2::99' });
  await request(neighbour, 'join', { room: 'control' });
  const sameNet = await client(t, relay.url, { auth: { name: 'v6b' }, forwardedFor: '2001:db8:1:2:ffff::1' });
  await request(sameNet, 'join', { room: 'control' });
  const first = await Promise.all(Array.from({ length: 5 }, () => request(neighbour, 'send', { room: 'control', text: 'a', clientMsgId: msgId() })));
  const second = await Promise.all(Array.from({ length: 5 }, () => request(sameNet, 'send', { room: 'control', text: 'b', clientMsgId: msgId() })));
  const third = await client(t, relay.url, { auth: { name: 'v6c' }, forwardedFor: '2001:db8:1:2:aaaa::2' });
  await request(third, 'join', { room: 'control' });
  const more = await Promise.all(Array.from({ length: 10 }, () => request(third, 'send', { room: 'control', text: 'c', clientMsgId: msgId() })));
  assert.equal([...first, ...second, ...more].filter((a) => a.ok).length, 15, 'one /64 is one network');
  // A verified member behind the same address keeps their per-member limit.
  const { SignJWT } = await import('jose');
  const token = await new SignJWT({ sub: 'member-1', name: 'Member' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
  const member = await client(t, relay.url, { auth: { token }, forwardedFor: attacker });
  await request(member, 'join', { room: 'control' });
  const own = await Promise.all(Array.from({ length: 6 }, () => request(member, 'send', { room: 'control', text: 'hi', clientMsgId: msgId() })));
  assert.equal(own.filter((a) => a.ok).length, 5, 'a verified member gets RATE_LIMIT, untouched by the guests');
  await control.chat('after the churn');
});
