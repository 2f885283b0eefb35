/**
 * PROTOCOL.md v2, as a client written only from that text checks it: the
 * transport (one argument per event and ack, counted on a raw Engine.IO
 * WebSocket; polling; malformed payloads), the handshake, and two relays
 * sharing rooms through Redis.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { spawnRelay } from '../cluster-helpers.js';
import { connect, joined, msgId, next, request } from '../helpers.js';
import { freshPostgres, freshStreamName, redisUrl, skipWithoutBoth } from '../services.js';
import { adminApiKey, client, failed, jwtSecret, modToken, rawClient, relayWith, send, sign, userToken } from './setup.js';

// ---------------------------------------------------------------- Transport

test('transport: every relay→client event carries exactly one argument; acks carry one', async (t) => {
  const relay = await relayWith(t);
  const raw = await rawClient(t, relay.url, { name: 'raw', clientId: 'raw-client-1' });
  const joinAck = await raw.emit('join', { room: 'wire' });
  assert.equal(joinAck.length, 1);
  assert.equal((joinAck[0] as any).ok, true);
  const other = await joined(t, relay.url, 'wire', { name: 'other' });
  const mod = await joined(t, relay.url, 'wire', { token: await modToken() });
  await request(other.socket, 'typing', { room: 'wire', typing: true });
  const sent = await send(other.socket, 'wire', 'hello');
  await request(other.socket, 'react', { room: 'wire', seq: sent.message.seq, emoji: '👍', on: true });
  await request(other.socket, 'edit', { room: 'wire', seq: 1, text: 'hello!' });
  await request(other.socket, 'delete', { room: 'wire', seq: 1 });
  await request(mod.socket, 'configure', { room: 'wire', settings: { topic: 'x' } });
  const mine = (await raw.emit('send', { room: 'wire', text: 'me', clientMsgId: msgId() }))[0] as any;
  await request(other.socket, 'report', { room: 'wire', seq: mine.message.seq });
  await raw.wait((f) => f.startsWith('42["room"'));
  await raw.wait((f) => f.startsWith('42["message"') && f.includes('"me"'));
  await raw.wait((f) => f.startsWith('42["presence"'));
  const names = new Set<string>();
  for (const event of raw.events()) {
    names.add(event[0] as string);
    assert.equal(event.length, 2, `${String(event[0])} carries one argument: ${JSON.stringify(event)}`);
  }
  for (const name of ['message', 'presence', 'typing', 'deleted', 'updated', 'room']) assert.ok(names.has(name), name);
  // A broadcast to moderators and the banned event, one argument too.
  const rawMod = await rawClient(t, relay.url, { token: await modToken('mod-2') });
  await rawMod.emit('join', { room: 'wire' });
  await request(other.socket, 'report', { room: 'wire', seq: 2, reason: 'r' }).catch(() => {});
  await send(other.socket, 'wire', 'second');
  await request(mod.socket, 'report', { room: 'wire', seq: 3 });
  await rawMod.wait((f) => f.startsWith('42["report"'));
  const banned = raw.wait((f) => f.startsWith('42["banned"'));
  assert.ok((await request(mod.socket, 'ban', { room: 'wire', memberId: (joinAck[0] as any).self.id, minutes: 1 })).ok);
  assert.equal(JSON.parse((await banned).slice(2)).length, 2);
  for (const event of rawMod.events()) assert.equal(event.length, 2, JSON.stringify(event));
});

test('transport: polling is accepted; a missing callback is no error; malformed payloads are invalid_payload and harm nobody', async (t) => {
  const relay = await relayWith(t);
  const polling = await client(t, relay.url, { name: 'poll' }, {}, 'polling');
  assert.equal((await request(polling, 'join', { room: 'tx' })).ok, true);
  const a = await joined(t, relay.url, 'tx', { name: 'a' });
  const seen = next(polling, 'message');
  // No callback: the send still happens, and the connection stays.
  (a.socket as any).emit('send', { room: 'tx', text: 'no ack', clientMsgId: msgId() });
  assert.equal((await seen).text, 'no ack');
  (a.socket as any).emit('join', 'not an object');
  const malformed: unknown[][] = [
    ['not an object'],
    [{ room: 'tx' }],
    [{ room: 'tx', text: 'x', clientMsgId: 'short' }],
    [{ room: 'tx', text: 42, clientMsgId: msgId() }],
    [{ room: 'tx', text: 'x', clientMsgId: msgId(), extra: true }],
    [],
    [null],
  ];
  for (const args of malformed) failed(await request(a.socket, 'send', ...args), 'invalid_payload');
  failed(await request(a.socket, 'join', { room: 'tx', since: -1 }), 'invalid_payload');
  failed(await request(a.socket, 'react', { room: 'tx', seq: 1, emoji: '👍' }), 'invalid_payload');
  assert.equal(a.socket.connected, true);
  assert.equal(polling.connected, true);
  assert.equal((await send(polling, 'tx', 'still here')).ok, true);
});

// ---------------------------------------------------------------- Handshake

test('handshake: tokens, the rooms claim, other roles, names, clientId and the refusal codes', async (t) => {
  const relay = await relayWith(t, { allowedOrigins: ['https://good.example'], maxConnectionsPerIp: 0 });
  const verified = await joined(t, relay.url, 'hs', { token: await sign({ sub: 'u1', name: 'Ann', avatar: 'https://cdn.example/a.png' }), name: 'ignored' });
  assert.deepEqual(verified.ack.self, { id: verified.ack.self.id, name: 'Ann', avatar: 'https://cdn.example/a.png', verified: true });
  const admin = await joined(t, relay.url, 'hs', { token: await sign({ sub: 'u2', name: 'Bo', role: 'admin' }) });
  assert.equal(admin.ack.self.role, undefined, 'another role is an ordinary member');
  assert.equal(admin.ack.self.verified, true);
  failed(await request(admin.socket, 'bans', { room: 'hs' }), 'forbidden');
  // A moderator of some rooms moderates only those.
  const scoped = await joined(t, relay.url, 'hs', { token: await modToken('scoped', ['other']) });
  assert.equal(scoped.ack.self.role, 'moderator');
  failed(await request(scoped.socket, 'configure', { room: 'hs', settings: { topic: 'no' } }), 'forbidden');
  failed(await request(scoped.socket, 'bans', { room: 'hs' }), 'forbidden');
  failed(await request(scoped.socket, 'unban', { room: 'hs', memberId: 'x' }), 'forbidden');
  failed(await request(scoped.socket, 'ban', { room: 'hs', memberId: admin.ack.self.id, minutes: 5 }), 'forbidden');
  assert.equal((await request(scoped.socket, 'join', { room: 'other' })).ok, true);
  const scopedConfigure = await request(scoped.socket, 'configure', { room: 'other', settings: { topic: 'yes' } });
  assert.equal(scopedConfigure.ok, true);
  assert.equal((await request(scoped.socket, 'bans', { room: 'other' })).ok, true);
  // Names.
  const guest = await joined(t, relay.url, 'hs', {});
  assert.match(guest.ack.self.name, /^guest-/);
  assert.equal(guest.ack.self.verified, false);
  const nfc = await joined(t, relay.url, 'hs', { name: '  Cafe\u0301  ' });
  assert.equal(nfc.ack.self.name, 'Caf\u00e9');
  await assert.rejects(connect(t, relay.url, { name: 'x'.repeat(33) }), { message: 'invalid_name' });
  await assert.rejects(connect(t, relay.url, { name: '   ' }), { message: 'invalid_name' });
  await assert.rejects(connect(t, relay.url, { name: 'bad\u0007name' }), { message: 'invalid_name' });
  assert.ok(await connect(t, relay.url, { name: 'y'.repeat(32) }));
  // clientId: one guest across tabs; never a verified member's id.
  const tab1 = await joined(t, relay.url, 'hs', { name: 'tab', clientId: 'same-browser-1' });
  const tab2 = await joined(t, relay.url, 'hs', { name: 'tab', clientId: 'same-browser-1' });
  assert.equal(tab1.ack.self.id, tab2.ack.self.id);
  for (const clientId of ['u1', verified.ack.self.id.replace(/[^A-Za-z0-9_-]/g, '').padEnd(8, 'x')]) {
    const impostor = await joined(t, relay.url, 'hs', { name: 'imp', clientId: clientId.length >= 8 ? clientId : 'u1u1u1u1' });
    assert.notEqual(impostor.ack.self.id, verified.ack.self.id);
  }
  // Refusals.
  await assert.rejects(connect(t, relay.url, { token: 'not-a-jwt' }), { message: 'unauthorized' });
  const expired = await new SignJWT({ sub: 'u9', name: 'Old' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(jwtSecret));
  await assert.rejects(connect(t, relay.url, { token: expired }), { message: 'unauthorized' });
  await assert.rejects(client(t, relay.url, { name: 'o' }, { origin: 'https://evil.example' }), { message: 'origin_not_allowed' });
  assert.ok(await client(t, relay.url, { name: 'o' }, { origin: 'https://good.example' }));

  const capped = await relayWith(t, { maxConnectionsPerIp: 1 });
  await connect(t, capped.url, { name: 'one' });
  await assert.rejects(connect(t, capped.url, { name: 'two' }), { message: 'too_many_connections' });
  const noGuests = await relayWith(t, { guests: false });
  await assert.rejects(connect(t, noGuests.url, { name: 'guest' }), { message: 'unauthorized' });
  assert.ok(await connect(t, noGuests.url, { token: await userToken('member') }));
});

// ---------------------------------------------------------------- several relays

test('REDIS_URL: two relays share rooms; what one tells, the other\'s members get, one argument each', { skip: skipWithoutBoth }, async (t) => {
  // As processes (npm run build first), as they are deployed.
  const env = { DATABASE_URL: await freshPostgres(t), REDIS_URL: redisUrl!, REDIS_PREFIX: freshStreamName(), JWT_SECRET: jwtSecret, ADMIN_API_KEY: adminApiKey };
  const [a, b] = (await Promise.all([spawnRelay(t, env), spawnRelay(t, env)])) as [{ url: string }, { url: string }];
  const raw = await rawClient(t, b.url, { name: 'raw', clientId: 'raw-client-1' });
  const joinAck = (await raw.emit('join', { room: 'pair' }))[0] as any;
  const modOnB = await rawClient(t, b.url, { token: await modToken('mod-b') });
  const mod = await joined(t, a.url, 'pair', { token: await modToken() });
  const ann = await joined(t, a.url, 'pair', { token: await userToken('ann') });
  assert.ok((await request(mod.socket, 'configure', { room: 'pair', settings: { slowModeSeconds: 30 } })).ok);
  assert.ok((await send(ann.socket, 'pair', 'hello')).ok);
  await request(ann.socket, 'typing', { room: 'pair', typing: true });
  await request(ann.socket, 'react', { room: 'pair', seq: 1, emoji: '👍', on: true });
  await request(ann.socket, 'delete', { room: 'pair', seq: 1 });
  await raw.emit('report', { room: 'pair', seq: 1 }).catch(() => {});
  // Slow mode holds across relays: the same member on B waits too.
  const annOnB = await joined(t, b.url, 'pair', { token: await userToken('ann') });
  failed(await send(annOnB.socket, 'pair', 'again'), 'slow_mode');
  assert.ok((await request(mod.socket, 'configure', { room: 'pair', settings: { slowModeSeconds: 0 } })).ok);
  assert.ok((await send(annOnB.socket, 'pair', 'report me')).ok);
  assert.ok((await request(mod.socket, 'report', { room: 'pair', seq: 2 })).ok);
  assert.deepEqual(await (raw.emit('report', { room: 'pair', seq: 2 })).then((x) => x[0]), { ok: true });
  const second = JSON.parse((await modOnB.wait((f) => f.startsWith('42["report"') && f.includes('"count":2'))).slice(2));
  assert.equal(second[1].count, 2);
  const banned = raw.wait((f) => f.startsWith('42["banned"'));
  assert.ok((await request(mod.socket, 'ban', { room: 'pair', memberId: joinAck.self.id, minutes: 1 })).ok);
  await banned;
  const names = new Set<string>();
  for (const event of [...raw.events(), ...modOnB.events()]) {
    names.add(event[0] as string);
    assert.equal(event.length, 2, JSON.stringify(event));
  }
  for (const name of ['message', 'presence', 'typing', 'updated', 'deleted', 'room', 'report', 'banned']) assert.ok(names.has(name), name);
  failed((await raw.emit('join', { room: 'pair' }))[0], 'banned');
});
