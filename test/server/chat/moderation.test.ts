import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { collect, connect, joined, msgId, next, request, sleep, startRelay } from '../helpers.js';

const secret = 'test-secret-that-is-at-least-32-chars!';
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));

test('typing is relayed to the others, never to the typist (any tab), throttled, and cleared on send', async (t) => {
  const relay = await startRelay(t);
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice', clientId: 'alice-browser' });
  const aliceTab2 = await joined(t, relay.url, 'lobby', { name: 'alice', clientId: 'alice-browser' });
  const bob = await joined(t, relay.url, 'lobby', { name: 'bob' });
  const toBob = collect(bob.socket, 'typing');
  const toAliceTab2 = collect(aliceTab2.socket, 'typing');

  for (let i = 0; i < 5; i++) assert.deepEqual(await request(alice.socket, 'typing', { room: 'lobby', typing: true }), { ok: true });
  await request(alice.socket, 'send', { room: 'lobby', text: 'done typing', clientMsgId: msgId() });
  await sleep(100);
  assert.deepEqual(
    toBob.map((e) => [e.member.name, e.typing]),
    [
      ['alice', true],
      ['alice', false],
    ],
    'five typing:true within the throttle make one event; the send clears it',
  );
  assert.deepEqual(toAliceTab2, []);
  assert.equal(toBob[0].room, 'lobby');

  const notJoined = await connect(t, relay.url, { name: 'carol' });
  assert.equal((await request(notJoined, 'typing', { room: 'lobby', typing: true })).error.code, 'not_joined');
});

test('typing is cleared when the typist disconnects', async (t) => {
  const relay = await startRelay(t);
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const bob = await joined(t, relay.url, 'lobby', { name: 'bob' });
  const started = next(bob.socket, 'typing');
  await request(alice.socket, 'typing', { room: 'lobby', typing: true });
  assert.equal((await started).typing, true);
  const cleared = next(bob.socket, 'typing');
  alice.socket.disconnect();
  assert.deepEqual((await cleared).typing, false);
});

test('history pages back with hasMore', async (t) => {
  const relay = await startRelay(t);
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'alice' });
  for (let i = 1; i <= 7; i++) await request(socket, 'send', { room: 'lobby', text: `m${i}`, clientMsgId: msgId() });
  const page = await request(socket, 'history', { room: 'lobby', before: 6, limit: 3 });
  assert.deepEqual(page.messages.map((m: any) => m.seq), [3, 4, 5]);
  assert.equal(page.hasMore, true);
  const last = await request(socket, 'history', { room: 'lobby', before: 3 });
  assert.deepEqual(last.messages.map((m: any) => m.seq), [1, 2]);
  assert.equal(last.hasMore, false);
  const other = await connect(t, relay.url, { name: 'bob' });
  assert.equal((await request(other, 'history', { room: 'lobby', before: 3 })).error.code, 'not_joined');
  assert.equal((await request(socket, 'history', { room: 'lobby' })).error.code, 'invalid_payload');
});

test('delete: the author blanks their message, everyone is told, the seq stays', async (t) => {
  const relay = await startRelay(t);
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const bob = await joined(t, relay.url, 'lobby', { name: 'bob' });
  const sent = await request(alice.socket, 'send', { room: 'lobby', text: 'oops', clientMsgId: msgId() });
  await request(alice.socket, 'send', { room: 'lobby', text: 'kept', clientMsgId: msgId() });

  assert.equal((await request(bob.socket, 'delete', { room: 'lobby', seq: 1 })).error.code, 'forbidden');
  assert.equal((await request(alice.socket, 'delete', { room: 'lobby', seq: 99 })).error.code, 'not_found');

  const told = next(bob.socket, 'deleted');
  const updated = next(bob.socket, 'updated');
  assert.deepEqual(await request(alice.socket, 'delete', { room: 'lobby', seq: 1 }), { ok: true });
  assert.deepEqual(await told, { room: 'lobby', seq: 1 });
  // v2: also the blanked message whole, with the room's next rev.
  assert.deepEqual(await updated, { ...sent.message, text: '', deleted: true, rev: 3 });
  const after = await request(bob.socket, 'join', { room: 'lobby' });
  assert.deepEqual(after.messages[0], { ...sent.message, text: '', deleted: true, rev: 3 });
  assert.equal(after.messages[1].text, 'kept');
  assert.deepEqual(await request(alice.socket, 'delete', { room: 'lobby', seq: 1 }), { ok: true }, 'idempotent');
});

test('signed identities: a valid token is verified and wins over name; moderators delete and ban', async (t) => {
  const relay = await startRelay(t, { jwtSecret: secret });
  const mod = await joined(t, relay.url, 'lobby', {
    token: await sign({ sub: 'u-mod', name: 'Mia', role: 'moderator', avatar: 'https://cdn.test/m.png' }),
    name: 'ignored',
  });
  assert.deepEqual(mod.ack.self, { id: 'u-mod', name: 'Mia', verified: true, role: 'moderator', avatar: 'https://cdn.test/m.png' });

  const troll = await joined(t, relay.url, 'lobby', { name: 'troll', clientId: 'troll-browser' });
  const trollTab = await joined(t, relay.url, 'lobby', { name: 'troll', clientId: 'troll-browser' });
  await sleep(100); // their arrival is announced before the ban's departure
  const sent = await request(troll.socket, 'send', { room: 'lobby', text: 'spam', clientMsgId: msgId() });
  assert.deepEqual(await request(mod.socket, 'delete', { room: 'lobby', seq: sent.message.seq }), { ok: true });

  assert.equal(
    (await request(troll.socket, 'ban', { room: 'lobby', memberId: mod.ack.self.id, minutes: 5 })).error.code,
    'forbidden',
  );
  const banned = next(troll.socket, 'banned');
  const bannedTab = next(trollTab.socket, 'banned');
  const left = next(mod.socket, 'presence');
  assert.deepEqual(await request(mod.socket, 'ban', { room: 'lobby', memberId: troll.ack.self.id, minutes: 5 }), { ok: true });
  const until = (await banned).until;
  assert.ok(until > Date.now() + 4 * 60_000 && until <= Date.now() + 5 * 60_000);
  await bannedTab;
  assert.deepEqual((await left).left.map((m: any) => m.name), ['troll']);
  assert.equal((await left).count, 1);

  // Out of the room on every tab, and refused there, also after reconnecting.
  assert.equal((await request(trollTab.socket, 'send', { room: 'lobby', text: 'x', clientMsgId: msgId() })).error.code, 'not_joined');
  const rejoin = await request(troll.socket, 'join', { room: 'lobby' });
  assert.equal(rejoin.error.code, 'banned');
  assert.ok(rejoin.error.retryAfterMs > 4 * 60_000);
  const fresh = await connect(t, relay.url, { name: 'troll', clientId: 'troll-browser' });
  assert.equal((await request(fresh, 'join', { room: 'lobby' })).error.code, 'banned');
  assert.equal((await request(fresh, 'join', { room: 'elsewhere' })).ok, true, 'a ban is per room');
});

test('a ban holds across a dropped connection: nothing brings the member back into the room', async (t) => {
  const relay = await startRelay(t, { jwtSecret: secret });
  const mod = await joined(t, relay.url, 'lobby', { token: await sign({ sub: 'u-mod', name: 'Mia', role: 'moderator' }) });
  const { io } = await import('socket.io-client');
  const troll = io(relay.url, { auth: { name: 'troll', clientId: 'troll-browser' }, transports: ['websocket'] });
  t.after(() => void troll.disconnect());
  await next(troll as any, 'connect');
  const ack = await request(troll as any, 'join', { room: 'lobby' });
  await sleep(100);

  // Drop the transport (not a clean disconnect): the client reconnects by itself.
  const dropped = next(troll as any, 'disconnect');
  relay.app.sockets.io.sockets.sockets.get(troll.id!)!.conn.close();
  await dropped;
  await request(mod.socket, 'ban', { room: 'lobby', memberId: ack.self.id, minutes: 1 });
  const missed = collect(troll as any, 'message');
  await next(troll as any, 'connect', 5000);
  assert.ok(!troll.recovered, 'no session is recovered: the client joins again');
  await request(mod.socket, 'send', { room: 'lobby', text: 'after the ban', clientMsgId: msgId() });
  const refused = await request(troll as any, 'send', { room: 'lobby', text: 'back?', clientMsgId: msgId() });
  assert.equal(refused.error.code, 'not_joined', 'the reconnected member is in no room');
  assert.equal((await request(troll as any, 'join', { room: 'lobby' })).error.code, 'banned');
  await sleep(100);
  assert.deepEqual(missed, [], 'nothing sent after the ban reached the banned member');
});

test('JWT: expired, bad signature, alg none, wrong algorithm, guest-like sub and missing claims are unauthorized', async (t) => {
  const relay = await startRelay(t, { jwtSecret: secret });
  const key = new TextEncoder().encode(secret);
  const expired = await new SignJWT({ sub: 'u1', name: 'A' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key);
  const badSignature = await new SignJWT({ sub: 'u1', name: 'A' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-32+'));
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u1', name: 'A', exp })}.`;
  const hs512 = await new SignJWT({ sub: 'u1', name: 'A' }).setProtectedHeader({ alg: 'HS512' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret.repeat(2)));
  const hs512SameKey = await new SignJWT({ sub: 'u1', name: 'A' }).setProtectedHeader({ alg: 'HS512' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret + secret));
  const guestSub = await sign({ sub: 'guest:abc', name: 'A' });
  const noExp = await new SignJWT({ sub: 'u1', name: 'A' }).setProtectedHeader({ alg: 'HS256' }).sign(key);
  const noSub = await sign({ name: 'A' });
  const noName = await sign({ sub: 'u1' });
  const badScope = await sign({ sub: 'u1', name: 'A', role: 'moderator', rooms: 'lobby' });
  for (const [label, token] of Object.entries({ expired, badSignature, none, hs512, hs512SameKey, guestSub, noExp, noSub, noName, badScope, garbage: 'not.a.jwt', number: 42 })) {
    await assert.rejects(connect(t, relay.url, { token } as any), { message: 'unauthorized' }, label);
  }
  await assert.rejects(connect(t, relay.url, { token: await sign({ sub: 'u1', name: 'x'.repeat(40) }) }), { message: 'invalid_name' });
  // PROTOCOL v2: any other role is not an error; the member is an ordinary member.
  const otherRole = await joined(t, relay.url, 'lobby', { token: await sign({ sub: 'u2', name: 'Bea', role: 'admin' }) });
  assert.deepEqual(otherRole.ack.self, { id: 'u2', name: 'Bea', verified: true });
  // A guest cannot take a verified member's id (the guest comes first: once
  // the verified Ann has joined, no guest may be named Ann, names.test.ts).
  const guest = await joined(t, relay.url, 'lobby', { name: 'Ann', clientId: 'u1u1u1u1' });
  const verified = await joined(t, relay.url, 'lobby', { token: await sign({ sub: 'u1', name: 'Ann' }) });
  assert.notEqual(guest.ack.self.id, verified.ack.self.id);
  assert.equal(guest.ack.self.verified, false);
});

test('GUESTS=off refuses guests but admits signed members', async (t) => {
  const relay = await startRelay(t, { jwtSecret: secret, guests: false });
  await assert.rejects(connect(t, relay.url, { name: 'guest' }), { message: 'unauthorized' });
  await assert.rejects(connect(t, relay.url, {}), { message: 'unauthorized' });
  const member = await joined(t, relay.url, 'lobby', { token: await sign({ sub: 'u1', name: 'Ann' }) });
  assert.equal(member.ack.self.verified, true);
});

test('rate_limited: past RATE_LIMIT messages per window, with retryAfterMs; others are unaffected', async (t) => {
  const relay = await startRelay(t, { rateLimit: { points: 3, windowMs: 2000 } });
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const bob = await joined(t, relay.url, 'lobby', { name: 'bob' });
  const send = (s: typeof alice.socket, clientMsgId = msgId()) => request(s, 'send', { room: 'lobby', text: 'x', clientMsgId });
  const first = await send(alice.socket);
  for (let i = 0; i < 2; i++) assert.equal((await send(alice.socket)).ok, true);
  const refused = await send(alice.socket);
  assert.equal(refused.error.code, 'rate_limited');
  assert.deepEqual(await send(alice.socket, first.message.clientMsgId), first, 'a retry is answered, not refused');
  assert.ok(refused.error.retryAfterMs > 0 && refused.error.retryAfterMs <= 2000, String(refused.error.retryAfterMs));
  assert.equal((await send(bob.socket)).ok, true, 'the limit is per member');
  await sleep(refused.error.retryAfterMs + 50);
  assert.equal((await send(alice.socket)).ok, true, 'allowed again after retryAfterMs');
});

test('the default RATE_LIMIT is 10 messages per 10 s', async (t) => {
  const { loadConfig } = await import('../../../server/config.js');
  const relay = await startRelay(t, { rateLimit: loadConfig({}, { widgetDir: '', demoDir: '' }).rateLimit });
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const acks = [];
  for (let i = 0; i < 11; i++) acks.push(await request(socket, 'send', { room: 'lobby', text: `m${i}`, clientMsgId: msgId() }));
  assert.deepEqual(acks.map((a) => a.ok), [...Array(10).fill(true), false]);
});
