/**
 * PROTOCOL.md v2, promise by promise, as a client written only from that
 * text checks it: socket.io-client, a raw Engine.IO WebSocket where the
 * number of arguments matters, and fetch. Walks the text top to bottom.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { webhookDefaults } from '../../../server/config.js';
import { spawnRelay } from '../cluster-helpers.js';
import { freshPostgres, freshStreamName, redisUrl, skipWithoutBoth } from '../services.js';
import { collect, connect, type Client, joined, msgId, next, request, sleep, startRelay } from '../helpers.js';

const jwtSecret = 'contract-secret-that-is-at-least-32-characters';
const adminApiKey = 'contract-admin-key-0123456789';
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(jwtSecret));
const modToken = (sub = 'mod-1', rooms?: string[]) => sign({ sub, name: `Mod ${sub}`, role: 'moderator', ...(rooms ? { rooms } : {}) });
const userToken = (sub: string, name = sub) => sign({ sub, name });

/** The store the relays of this file use: SQLite, or PostgreSQL with CONTRACT_STORE=postgres (and TEST_POSTGRES_URL). */
const onPostgres = process.env.CONTRACT_STORE === 'postgres';

/** A relay with signed identities and the admin API on. */
const relayWith = async (t: TestContext, overrides: Parameters<typeof startRelay>[1] = {}) =>
  startRelay(t, { jwtSecret, adminApiKey, ...(onPostgres ? { databaseUrl: await freshPostgres(t) } : {}), ...overrides });

/** A socket.io-client with extra headers (X-Forwarded-For, Origin). */
function client(
  t: TestContext,
  url: string,
  auth: Record<string, unknown>,
  headers: Record<string, string> = {},
  transport: 'websocket' | 'polling' = 'websocket',
): Promise<Client> {
  const socket: Client = io(url, { auth, transports: [transport], reconnection: false, forceNew: true, extraHeaders: headers });
  t.after(() => void socket.disconnect());
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function joinAs(t: TestContext, url: string, room: string, auth: Record<string, unknown>, headers: Record<string, string> = {}) {
  const socket = await client(t, url, auth, headers);
  const ack = await request(socket, 'join', { room });
  return { socket, ack };
}

const send = (socket: Client, room: string, text: string, extra: Record<string, unknown> = {}) =>
  request(socket, 'send', { room, text, clientMsgId: msgId(), ...extra });

function api(url: string, method: string, path: string, body?: unknown, key: string | null = adminApiKey, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extra };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

const failed = (ack: any, code: string) => {
  assert.equal(ack.ok, false, `expected ${code}, got ${JSON.stringify(ack)}`);
  assert.equal(ack.error.code, code, JSON.stringify(ack));
  assert.equal(typeof ack.error.message, 'string');
};

// ---------------------------------------------------------------- raw Engine.IO

/** A Socket.IO client over a raw WebSocket, to count the arguments of each packet. */
async function rawClient(t: TestContext, url: string, auth: object) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  t.after(() => ws.close());
  const frames: string[] = [];
  const waiters: { test: (f: string) => boolean; resolve: (f: string) => void }[] = [];
  ws.on('message', (data) => {
    const frame = data.toString();
    if (frame === '2') return void ws.send('3');
    frames.push(frame);
    for (const w of [...waiters]) if (w.test(frame)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(frame);
    }
  });
  const wait = (testFn: (f: string) => boolean, ms = 3000) =>
    new Promise<string>((resolve, reject) => {
      const found = frames.find(testFn);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error('no such frame')), ms);
      waiters.push({ test: testFn, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  await once(ws, 'open');
  await wait((f) => f.startsWith('0{'));
  ws.send(`40${JSON.stringify(auth)}`);
  await wait((f) => f.startsWith('40'));
  let id = 0;
  return {
    frames,
    /** Emits and resolves with the ack's argument list. */
    async emit(event: string, payload: unknown): Promise<unknown[]> {
      const n = ++id;
      ws.send(`42${n}${JSON.stringify([event, payload])}`);
      const frame = await wait((f) => f.startsWith(`43${n}[`));
      return JSON.parse(frame.slice(`43${n}`.length));
    },
    /** Every event packet received so far, as [name, ...args]. */
    events: () => frames.filter((f) => f.startsWith('42[')).map((f) => JSON.parse(f.slice(2)) as unknown[]),
    wait,
  };
}

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

// ---------------------------------------------------------------- Shapes

test('shapes: every field of Message, replies, mentions, reactions in first-reacted order; RoomSettings defaults', async (t) => {
  const relay = await relayWith(t);
  const ann = await joined(t, relay.url, 'shape', { token: await userToken('ann', 'Ann') });
  const bob = await joined(t, relay.url, 'shape', { name: 'Bob', clientId: 'bob-client-1' });
  assert.deepEqual(ann.ack.settings, { topic: '', slowModeSeconds: 0, membersOnly: false, paused: false, pinnedSeq: null, blockedWords: [] });
  const long = 'p'.repeat(300);
  const before = Date.now();
  const first = await send(ann.socket, 'shape', `  ${long}  `, { clientMsgId: 'client-msg-1' });
  assert.equal(first.ok, true);
  const m = first.message;
  assert.equal(typeof m.id, 'string');
  assert.equal(m.room, 'shape');
  assert.equal(m.seq, 1);
  assert.equal(m.text, long, 'trimmed, verbatim');
  assert.deepEqual(m.author, ann.ack.self);
  assert.ok(m.ts >= before && m.ts <= Date.now());
  assert.equal(m.clientMsgId, 'client-msg-1');
  assert.equal(m.rev, 1);
  for (const absent of ['deleted', 'editedAt', 'replyTo', 'mentions', 'reactions']) assert.equal(m[absent], undefined, absent);

  const reply = await send(bob.socket, 'shape', 'answer <b>', { replyTo: 1, mentions: [ann.ack.self.id, 'nobody-here'] });
  assert.equal(reply.message.text, 'answer <b>');
  assert.deepEqual(reply.message.replyTo, { seq: 1, author: ann.ack.self, text: long.slice(0, 140) });
  assert.ok(reply.message.replyTo.text.length <= 140);
  assert.deepEqual(reply.message.mentions, [ann.ack.self], 'unknown ids dropped');
  failed(await send(bob.socket, 'shape', 'x', { replyTo: 99 }), 'not_found');
  failed(await send(bob.socket, 'shape', 'x', { mentions: Array.from({ length: 11 }, (_, i) => `m${i}`) }), 'invalid_payload');
  const other = await joined(t, relay.url, 'elsewhere', { name: 'E' });
  await send(other.socket, 'elsewhere', 'there');
  failed(await send(bob.socket, 'shape', 'x', { replyTo: 3 }), 'not_found');

  // Reactions: in first-reacted order, count ≥ 1.
  const r1 = await request(bob.socket, 'react', { room: 'shape', seq: 1, emoji: '🎉', on: true });
  assert.deepEqual(r1.message.reactions, [{ emoji: '🎉', count: 1 }]);
  await request(ann.socket, 'react', { room: 'shape', seq: 1, emoji: '👍', on: true });
  const r3 = await request(bob.socket, 'react', { room: 'shape', seq: 1, emoji: '👍', on: true });
  assert.deepEqual(r3.message.reactions, [{ emoji: '🎉', count: 1 }, { emoji: '👍', count: 2 }]);
  const again = await request(bob.socket, 'react', { room: 'shape', seq: 1, emoji: '👍', on: true });
  assert.deepEqual(again.message.reactions, [{ emoji: '🎉', count: 1 }, { emoji: '👍', count: 2 }], 'once per emoji');
  const off = await request(bob.socket, 'react', { room: 'shape', seq: 1, emoji: '🎉', on: false });
  assert.deepEqual(off.message.reactions, [{ emoji: '👍', count: 2 }], 'a count of 0 is not listed');
  failed(await request(bob.socket, 'react', { room: 'shape', seq: 1, emoji: '🍕', on: true }), 'invalid_payload');

  // Edit sets editedAt; the reply shows the parent now; deleted: "" everywhere.
  const edited = await request(ann.socket, 'edit', { room: 'shape', seq: 1, text: 'short now' });
  assert.ok(edited.message.editedAt >= m.ts);
  assert.equal(edited.message.text, 'short now');
  let view = await request(bob.socket, 'join', { room: 'shape' });
  assert.equal(view.messages[1].replyTo.text, 'short now', 'the parent now');
  assert.equal((await request(ann.socket, 'delete', { room: 'shape', seq: 1 })).ok, true);
  view = await request(bob.socket, 'join', { room: 'shape' });
  assert.equal(view.messages[0].deleted, true);
  assert.equal(view.messages[0].text, '');
  assert.equal(view.messages[1].replyTo.text, '', '"" once deleted');
  failed(await request(bob.socket, 'react', { room: 'shape', seq: 1, emoji: '👍', on: true }), 'not_found');
  const history = await request(bob.socket, 'history', { room: 'shape', before: 3 });
  assert.equal(history.messages[1].replyTo.text, '');
});

// ---------------------------------------------------------------- Revisions

test('revisions: rev grows with every change; join sinceRev answers changed, rev, pinned and myReactions', async (t) => {
  const relay = await relayWith(t);
  const ann = await joined(t, relay.url, 'revs', { name: 'Ann', clientId: 'ann-client-1' });
  const mod = await joined(t, relay.url, 'revs', { token: await modToken() });
  assert.equal(ann.ack.rev, 0);
  const revs: number[] = [];
  for (let i = 1; i <= 4; i++) revs.push((await send(ann.socket, 'revs', `m${i}`)).message.rev);
  assert.deepEqual(revs, [1, 2, 3, 4]);
  const seen = await request(ann.socket, 'join', { room: 'revs' });
  assert.equal(seen.rev, 4);
  const held = seen.rev;
  revs.push((await request(ann.socket, 'edit', { room: 'revs', seq: 1, text: 'm1 edited' })).message.rev);
  revs.push((await request(ann.socket, 'react', { room: 'revs', seq: 2, emoji: '❤️', on: true })).message.rev);
  const updated = next(ann.socket, 'updated');
  assert.equal((await request(ann.socket, 'delete', { room: 'revs', seq: 3 })).ok, true);
  revs.push((await updated).rev);
  revs.push((await request(ann.socket, 'react', { room: 'revs', seq: 2, emoji: '❤️', on: false })).message.rev);
  revs.push((await request(ann.socket, 'react', { room: 'revs', seq: 2, emoji: '😂', on: true })).message.rev);
  assert.deepEqual(revs, [1, 2, 3, 4, 5, 6, 7, 8, 9], 'every change increments');
  assert.ok((await request(mod.socket, 'configure', { room: 'revs', settings: { pinnedSeq: 2 } })).ok);

  // A client that held seq 4 and rev 4 comes back.
  const back = await connect(t, relay.url, { name: 'Ann', clientId: 'ann-client-1' });
  const resync = await request(back, 'join', { room: 'revs', since: 4, sinceRev: held });
  assert.deepEqual(resync.messages, []);
  assert.equal(resync.rev, 9);
  assert.equal(resync.lastSeq, 4);
  assert.deepEqual(resync.changed.map((m: any) => [m.seq, m.rev]).sort((a: number[], b: number[]) => a[0]! - b[0]!), [[1, 5], [2, 9], [3, 7]]);
  assert.equal(resync.pinned.seq, 2);
  assert.deepEqual(resync.myReactions, [{ seq: 2, emoji: '😂' }]);
  // Without since: changed holds those below the first returned one.
  const paged = await request(back, 'join', { room: 'revs', limit: 2, sinceRev: 5 });
  assert.deepEqual(paged.messages.map((m: any) => m.seq), [3, 4]);
  assert.deepEqual(paged.changed.map((m: any) => m.seq), [2]);
  const none = await request(back, 'join', { room: 'revs', sinceRev: 9 });
  assert.deepEqual(none.changed, []);
  // myReactions on history too.
  const history = await request(back, 'history', { room: 'revs', before: 4, limit: 2 });
  assert.deepEqual(Object.keys(history).sort(), ['hasMore', 'messages', 'myReactions', 'ok']);
  assert.deepEqual(history.messages.map((m: any) => m.seq), [2, 3]);
  assert.equal(history.hasMore, true);
  assert.deepEqual(history.myReactions, [{ seq: 2, emoji: '😂' }]);
});

// ---------------------------------------------------------------- Client → relay acks

test('acks: join, leave, send, typing, delete, edit, react, configure, ban, unban, bans, report, as the table says', async (t) => {
  const relay = await relayWith(t);
  const mod = await joined(t, relay.url, 'acks', { token: await modToken() });
  const keys = Object.keys(mod.ack).sort();
  assert.deepEqual(keys, ['count', 'lastSeq', 'members', 'messages', 'myReactions', 'ok', 'rev', 'room', 'self', 'settings'].sort());
  assert.equal(mod.ack.room, 'acks');
  assert.equal(mod.ack.count, 1);
  assert.deepEqual(mod.ack.members, [mod.ack.self]);
  const ann = await joined(t, relay.url, 'acks', { name: 'Ann', clientId: 'ann-client-1' });
  const presence = await next(mod.socket, 'presence');
  assert.deepEqual(Object.keys(presence).sort(), ['count', 'joined', 'left', 'room']);
  // Typing: others get it, never the typist.
  const typing = next(mod.socket, 'typing');
  const typistSees = collect(ann.socket, 'typing');
  assert.deepEqual(await request(ann.socket, 'typing', { room: 'acks', typing: true }), { ok: true });
  assert.deepEqual(await typing, { room: 'acks', member: ann.ack.self, typing: true });

  const sent = await send(ann.socket, 'acks', 'one', { clientMsgId: 'retry-me-1' });
  assert.deepEqual(Object.keys(sent).sort(), ['message', 'ok']);
  const retry = await send(ann.socket, 'acks', 'one', { clientMsgId: 'retry-me-1' });
  assert.deepEqual(retry.message, sent.message, 'a retried send returns the original');
  for (let i = 2; i <= 5; i++) await send(ann.socket, 'acks', `m${i}`);
  assert.deepEqual(typistSees, []);
  // join since / limit / truncated; joining again answers the same way.
  const since = await request(ann.socket, 'join', { room: 'acks', since: 2, limit: 2 });
  assert.deepEqual(since.messages.map((m: any) => m.seq), [3, 4]);
  assert.equal(since.truncated, true);
  const last = await request(ann.socket, 'join', { room: 'acks', limit: 2 });
  assert.deepEqual(last.messages.map((m: any) => m.seq), [4, 5]);
  assert.equal(last.lastSeq, 5);

  const edited = await request(ann.socket, 'edit', { room: 'acks', seq: 2, text: 'two' });
  assert.deepEqual(Object.keys(edited).sort(), ['message', 'ok']);
  const reacted = await request(mod.socket, 'react', { room: 'acks', seq: 2, emoji: '👍', on: true });
  assert.deepEqual(Object.keys(reacted).sort(), ['message', 'ok']);
  const configured = await request(mod.socket, 'configure', { room: 'acks', settings: { topic: 'T', blockedWords: ['zork'] } });
  assert.deepEqual(configured, { ok: true, settings: { topic: 'T', slowModeSeconds: 0, membersOnly: false, paused: false, pinnedSeq: null, blockedWords: ['zork'] } });
  const kept = await request(mod.socket, 'configure', { room: 'acks', settings: { slowModeSeconds: 0 } });
  assert.equal(kept.settings.topic, 'T', 'settings not named keep their value');
  failed(await request(mod.socket, 'configure', { room: 'acks', settings: { pinnedSeq: 99 } }), 'not_found');
  assert.deepEqual(await request(ann.socket, 'report', { room: 'acks', seq: 3, reason: 'meh' }), { ok: true });
  assert.deepEqual(await request(ann.socket, 'delete', { room: 'acks', seq: 5 }), { ok: true });
  failed(await request(ann.socket, 'delete', { room: 'acks', seq: 99 }), 'not_found');
  assert.deepEqual(await request(mod.socket, 'ban', { room: 'acks', memberId: ann.ack.self.id, minutes: 10, reason: 'because' }), { ok: true });
  const bans = await request(mod.socket, 'bans', { room: 'acks' });
  assert.deepEqual(Object.keys(bans).sort(), ['bans', 'ok']);
  assert.equal(bans.bans.length, 1);
  const ban = bans.bans[0];
  assert.deepEqual(Object.keys(ban).sort(), ['by', 'member', 'reason', 'ts', 'until']);
  assert.deepEqual(ban.member, ann.ack.self);
  assert.deepEqual(ban.by, mod.ack.self);
  assert.equal(ban.reason, 'because');
  assert.ok(Math.abs(ban.until - (ban.ts + 10 * 60_000)) < 1000);
  assert.deepEqual(await request(mod.socket, 'unban', { room: 'acks', memberId: ann.ack.self.id }), { ok: true });
  assert.deepEqual((await request(mod.socket, 'bans', { room: 'acks' })).bans, []);
  assert.ok((await request(ann.socket, 'join', { room: 'acks' })).ok, 'unbanned, back in');
  const presences = collect(ann.socket, 'presence');
  assert.deepEqual(await request(mod.socket, 'leave', { room: 'acks' }), { ok: true });
  const deadline = Date.now() + 3000;
  while (!presences.some((p) => p.left.length > 0) && Date.now() < deadline) await sleep(20);
  assert.deepEqual(presences.find((p) => p.left.length > 0), { room: 'acks', count: 1, joined: [], left: [mod.ack.self] });
  failed(await send(mod.socket, 'acks', 'gone'), 'not_joined');
});

// ---------------------------------------------------------------- send refusals

test('send refusals come in the stated order: paused, members_only, slow_mode, blocked, then the v1 rules', async (t) => {
  const relay = await relayWith(t, { maxMessageLength: 20 });
  const mod = await joined(t, relay.url, 'order', { token: await modToken() });
  const guest = await joined(t, relay.url, 'order', { name: 'Gus', clientId: 'gus-client-1' });
  const member = await joined(t, relay.url, 'order', { token: await userToken('mem') });
  const configure = async (settings: object) => assert.ok((await request(mod.socket, 'configure', { room: 'order', settings })).ok);
  await configure({ paused: true, membersOnly: true, slowModeSeconds: 60, blockedWords: ['zork'] });
  const tooLongBlocked = 'zork '.repeat(10);
  failed(await send(guest.socket, 'order', tooLongBlocked), 'paused');
  failed(await send(member.socket, 'order', tooLongBlocked), 'paused');
  // Moderators may send while paused and are exempt from slow mode, not from blocked words.
  assert.ok((await send(mod.socket, 'order', 'as mod')).ok);
  assert.ok((await send(mod.socket, 'order', 'again')).ok);
  failed(await send(mod.socket, 'order', 'zork'), 'blocked');
  await configure({ paused: false });
  failed(await send(guest.socket, 'order', tooLongBlocked), 'members_only');
  assert.ok((await send(member.socket, 'order', 'first')).ok);
  const slow = await send(member.socket, 'order', tooLongBlocked);
  failed(slow, 'slow_mode');
  assert.ok(slow.error.retryAfterMs > 0 && slow.error.retryAfterMs <= 60_000);
  await configure({ slowModeSeconds: 0, membersOnly: false });
  failed(await send(guest.socket, 'order', tooLongBlocked), 'blocked');
  failed(await send(guest.socket, 'order', 'x'.repeat(21)), 'too_long');
  failed(await send(guest.socket, 'order', '   '), 'empty');
  // Guests still read a members-only room.
  await configure({ membersOnly: true });
  const read = next(guest.socket, 'message');
  await send(member.socket, 'order', 'read me');
  assert.equal((await read).text, 'read me');
});

test('rate_limited comes with retryAfterMs', async (t) => {
  const relay = await relayWith(t, { rateLimit: { points: 2, windowMs: 10_000 } });
  const a = await joined(t, relay.url, 'rl', { token: await userToken('rl') });
  assert.ok((await send(a.socket, 'rl', '1')).ok);
  assert.ok((await send(a.socket, 'rl', '2')).ok);
  const refused = await send(a.socket, 'rl', '3');
  failed(refused, 'rate_limited');
  assert.ok(refused.error.retryAfterMs > 0);
});

// ---------------------------------------------------------------- blocked words

test('blocked words: without case, accents or width, look-alikes, spaced or dotted letters, whole words only; the error names no word', async (t) => {
  const dir = (await import('../helpers.js')).tempDir(t);
  const file = join(dir, 'blocked.txt');
  writeFileSync(file, 'globalword\nbad phrase here\n');
  const relay = await relayWith(t, { blockedWordsFile: file });
  const mod = await joined(t, relay.url, 'bw', { token: await modToken() });
  const a = await joined(t, relay.url, 'bw', { name: 'A', clientId: 'a-client-1' });
  assert.ok((await request(mod.socket, 'configure', { room: 'bw', settings: { blockedWords: ['spam', 'buy now', 'toast', 'aeiost', 'Crème'] } })).ok);
  const blocked = [
    'SPAM', 'Spam!', 'spám', 'ｓｐａｍ', '5p4m', '$p@m', 's p a m', 's.p.a.m', 'S.P.A.M.', 'this is spam really',
    'Buy Now', 'buy   now!', 't0457', '7oa$t', '@3105t', '4ei0s7', 'creme', 'CRÈME', 'globalword', 'GLOBALWORD', 'a bad phrase here b',
  ];
  for (const text of blocked) {
    const ack = await send(a.socket, 'bw', text);
    failed(ack, 'blocked');
    for (const word of ['spam', 'buy', 'toast', 'aeiost', 'crème', 'globalword', 'phrase']) {
      assert.ok(!ack.error.message.toLowerCase().includes(word), `the error names no word: ${ack.error.message}`);
    }
  }
  for (const text of ['spammer', 'antispam', 'buy later', 'now buy', 'toasted', 'bad phrase', 'global word']) {
    assert.ok((await send(a.socket, 'bw', text)).ok, `not blocked: ${text}`);
  }
  // Edit follows the same rules.
  failed(await request(a.socket, 'edit', { room: 'bw', seq: 1, text: 'spam' }), 'blocked');
  // Non-moderators see [] for blockedWords; moderators the list.
  const view = await request(a.socket, 'join', { room: 'bw' });
  assert.deepEqual(view.settings.blockedWords, []);
  const modView = await request(mod.socket, 'join', { room: 'bw' });
  assert.equal(modView.settings.blockedWords.length, 5);
});

// ---------------------------------------------------------------- bans

test('ban: 1–525600 minutes, reason ≤ 200, no banning moderators, the banned event, and refusal on rejoin', async (t) => {
  const relay = await relayWith(t);
  const mod = await joined(t, relay.url, 'bans', { token: await modToken() });
  const mod2 = await joined(t, relay.url, 'bans', { token: await modToken('mod-2') });
  const ann = await joined(t, relay.url, 'bans', { token: await userToken('ann') });
  const guest = await joined(t, relay.url, 'bans', { name: 'G', clientId: 'g-client-1' });
  const id = ann.ack.self.id;
  failed(await request(mod.socket, 'ban', { room: 'bans', memberId: id, minutes: 0 }), 'invalid_payload');
  failed(await request(mod.socket, 'ban', { room: 'bans', memberId: id, minutes: 525_601 }), 'invalid_payload');
  failed(await request(mod.socket, 'ban', { room: 'bans', memberId: id, minutes: 5, reason: 'r'.repeat(201) }), 'invalid_payload');
  failed(await request(mod.socket, 'ban', { room: 'bans', memberId: mod2.ack.self.id, minutes: 5 }), 'forbidden');
  failed(await request(guest.socket, 'ban', { room: 'bans', memberId: id, minutes: 5 }), 'forbidden');
  failed(await request(guest.socket, 'bans', { room: 'bans' }), 'forbidden');
  failed(await request(guest.socket, 'unban', { room: 'bans', memberId: id }), 'forbidden');
  failed(await request(guest.socket, 'configure', { room: 'bans', settings: { topic: 'x' } }), 'forbidden');
  const banned = next(ann.socket, 'banned');
  assert.ok((await request(mod.socket, 'ban', { room: 'bans', memberId: id, minutes: 525_600, reason: 'r'.repeat(200) })).ok);
  const event = await banned;
  assert.deepEqual(Object.keys(event).sort(), ['reason', 'room', 'until']);
  assert.equal(event.room, 'bans');
  assert.equal(event.reason, 'r'.repeat(200));
  assert.ok(Math.abs(event.until - (Date.now() + 525_600 * 60_000)) < 5000);
  failed(await send(ann.socket, 'bans', 'still here?'), 'not_joined');
  failed(await request(ann.socket, 'join', { room: 'bans' }), 'banned');
  const noReason = next(guest.socket, 'banned');
  assert.ok((await request(mod.socket, 'ban', { room: 'bans', memberId: guest.ack.self.id, minutes: 1 })).ok);
  assert.deepEqual(Object.keys(await noReason).sort(), ['room', 'until']);
});

test('ban: guests from the banned address (IPv4, IPv6 /64) are refused whatever name they bring; verified members never by address', async (t) => {
  const relay = await relayWith(t, { trustProxy: ['loopback'] });
  const mod = await joined(t, relay.url, 'addr', { token: await modToken() });
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const g4 = await joinAs(t, relay.url, 'addr', { name: 'g4', clientId: 'g4-client-1' }, from('203.0.113.7'));
  const g6 = await joinAs(t, relay.url, 'addr', { name: 'g6', clientId: 'g6-client-1' }, from('2001:db8:1:2::5'));
  const member = await joinAs(t, relay.url, 'addr', { token: await userToken('vip') }, from('198.51.100.9'));
  for (const who of [g4, g6, member]) assert.ok(who.ack.ok);
  for (const who of [g4, g6, member]) assert.ok((await request(mod.socket, 'ban', { room: 'addr', memberId: who.ack.self.id, minutes: 5 })).ok);

  failed((await joinAs(t, relay.url, 'addr', { name: 'new', clientId: 'other-client-1' }, from('203.0.113.7'))).ack, 'banned');
  failed((await joinAs(t, relay.url, 'addr', { name: 'new6', clientId: 'other-client-2' }, from('2001:db8:1:2:ffff::1'))).ack, 'banned');
  failed((await joinAs(t, relay.url, 'addr', {}, from('198.51.100.9'))).ack, 'banned', );
  assert.ok((await joinAs(t, relay.url, 'addr', { name: 'ok4' }, from('203.0.113.8'))).ack.ok);
  assert.ok((await joinAs(t, relay.url, 'addr', { name: 'ok6' }, from('2001:db8:1:3::5'))).ack.ok);
  assert.ok((await joinAs(t, relay.url, 'addr', { token: await userToken('other-verified') }, from('203.0.113.7'))).ack.ok);
  // Another room is not concerned.
  assert.ok((await joinAs(t, relay.url, 'elsewhere', { name: 'new' }, from('203.0.113.7'))).ack.ok);
  // Unban lifts the address ban too.
  assert.ok((await request(mod.socket, 'unban', { room: 'addr', memberId: g4.ack.self.id })).ok);
  assert.ok((await joinAs(t, relay.url, 'addr', { name: 'back' }, from('203.0.113.7'))).ack.ok);
});

// ---------------------------------------------------------------- reports

test('report: once per member per message; the room\'s moderators online get report with the count', async (t) => {
  const relay = await relayWith(t);
  const mod = await joined(t, relay.url, 'rep', { token: await modToken() });
  const elsewhere = await joined(t, relay.url, 'other', { token: await modToken('scoped', ['other']) });
  const ann = await joined(t, relay.url, 'rep', { name: 'Ann', clientId: 'ann-client-1' });
  const bob = await joined(t, relay.url, 'rep', { name: 'Bob', clientId: 'bob-client-1' });
  const sent = await send(ann.socket, 'rep', 'report me');
  const reports = collect(mod.socket, 'report');
  const memberSees = collect(bob.socket, 'report');
  const scopedSees = collect(elsewhere.socket, 'report');
  assert.deepEqual(await request(bob.socket, 'report', { room: 'rep', seq: 1, reason: 'rude' }), { ok: true });
  assert.deepEqual(await request(bob.socket, 'report', { room: 'rep', seq: 1, reason: 'again' }), { ok: true });
  assert.deepEqual(await request(ann.socket, 'report', { room: 'rep', seq: 1 }), { ok: true });
  failed(await request(ann.socket, 'report', { room: 'rep', seq: 9 }), 'not_found');
  failed(await request(ann.socket, 'report', { room: 'rep', seq: 1, reason: 'r'.repeat(201) }), 'invalid_payload');
  await sleep(150);
  assert.deepEqual(reports, [
    { room: 'rep', message: sent.message, reporter: bob.ack.self, reason: 'rude', count: 1 },
    { room: 'rep', message: sent.message, reporter: ann.ack.self, count: 2 },
  ]);
  assert.deepEqual(memberSees, []);
  assert.deepEqual(scopedSees, []);
  const outsider = await connect(t, relay.url, { name: 'out' });
  failed(await request(outsider, 'report', { room: 'rep', seq: 1 }), 'not_joined');
});

// ---------------------------------------------------------------- relay → client

test('events: message to all (sender included), deleted and updated on delete, room with blockedWords [] and pinned', async (t) => {
  const relay = await relayWith(t);
  const mod = await joined(t, relay.url, 'ev', { token: await modToken() });
  const ann = await joined(t, relay.url, 'ev', { name: 'Ann', clientId: 'ann-client-1' });
  const own = next(ann.socket, 'message');
  const sent = await send(ann.socket, 'ev', 'hi');
  assert.deepEqual(await own, sent.message);
  const deleted = next(mod.socket, 'deleted');
  const updated = next(mod.socket, 'updated');
  await send(ann.socket, 'ev', 'pin me');
  assert.ok((await request(mod.socket, 'delete', { room: 'ev', seq: 1 })).ok);
  assert.deepEqual(await deleted, { room: 'ev', seq: 1 });
  const blank = await updated;
  assert.equal(blank.deleted, true);
  assert.equal(blank.text, '');
  const roomEvent = next(ann.socket, 'room');
  const modRoomEvent = next(mod.socket, 'room');
  assert.ok((await request(mod.socket, 'configure', { room: 'ev', settings: { pinnedSeq: 2, blockedWords: ['secret'] } })).ok);
  const event = await roomEvent;
  assert.deepEqual(Object.keys(event).sort(), ['pinned', 'room', 'settings']);
  assert.equal(event.room, 'ev');
  assert.deepEqual(event.settings.blockedWords, []);
  assert.equal(event.settings.pinnedSeq, 2);
  assert.equal(event.pinned.seq, 2);
  assert.deepEqual((await modRoomEvent).settings.blockedWords, [], 'always [] here');
  const unpinned = next(ann.socket, 'room');
  assert.ok((await request(mod.socket, 'configure', { room: 'ev', settings: { pinnedSeq: null } })).ok);
  assert.equal((await unpinned).pinned, undefined);
  // Errors of the list provoked here.
  failed(await request(ann.socket, 'join', { room: 'bad room!' }), 'invalid_room');
  failed(await request(ann.socket, 'join', { room: '-starts-wrong' }), 'invalid_room');
  await send(mod.socket, 'ev', 'by the moderator');
  failed(await request(ann.socket, 'delete', { room: 'ev', seq: 3 }), 'forbidden');
  failed(await request(ann.socket, 'configure', { room: 'ev', settings: { topic: 't'.repeat(201) } }), 'invalid_payload');
  failed(await request(mod.socket, 'configure', { room: 'ev', settings: { slowModeSeconds: 3601 } }), 'invalid_payload');
  failed(await request(mod.socket, 'configure', { room: 'ev', settings: { blockedWords: ['x'.repeat(65)] } }), 'invalid_payload');
  failed(await request(mod.socket, 'configure', { room: 'ev', settings: { blockedWords: Array.from({ length: 501 }, (_, i) => `w${i}`) } }), 'invalid_payload');
});

// ---------------------------------------------------------------- Configuration

test('configuration: the edit window (passed, or 0) is forbidden; only the author edits; REACTIONS empty disables react', async (t) => {
  const relay = await relayWith(t, { editWindowMinutes: 0.001 });
  const ann = await joined(t, relay.url, 'cfg', { name: 'Ann', clientId: 'ann-client-1' });
  const bob = await joined(t, relay.url, 'cfg', { name: 'Bob', clientId: 'bob-client-1' });
  await send(ann.socket, 'cfg', 'mine');
  failed(await request(bob.socket, 'edit', { room: 'cfg', seq: 1, text: 'theirs' }), 'forbidden');
  await sleep(100);
  failed(await request(ann.socket, 'edit', { room: 'cfg', seq: 1, text: 'late' }), 'forbidden');

  const off = await relayWith(t, { editWindowMinutes: 0, reactions: [] });
  const c = await joined(t, off.url, 'cfg', { name: 'C', clientId: 'c-client-1' });
  await send(c.socket, 'cfg', 'mine');
  failed(await request(c.socket, 'edit', { room: 'cfg', seq: 1, text: 'no' }), 'forbidden');
  const reacted = await request(c.socket, 'react', { room: 'cfg', seq: 1, emoji: '👍', on: true });
  assert.equal(reacted.ok, false, 'react is disabled');

  const on = await relayWith(t);
  const d = await joined(t, on.url, 'cfg', { name: 'D', clientId: 'd-client-1' });
  await send(d.socket, 'cfg', 'mine');
  const edited = next(d.socket, 'updated');
  assert.ok((await request(d.socket, 'edit', { room: 'cfg', seq: 1, text: '  edited  ' })).ok);
  assert.equal((await edited).text, 'edited');
  failed(await request(d.socket, 'edit', { room: 'cfg', seq: 1, text: '  ' }), 'empty');
  assert.ok((await request(d.socket, 'delete', { room: 'cfg', seq: 1 })).ok);
  assert.equal((await request(d.socket, 'edit', { room: 'cfg', seq: 1, text: 'after delete' })).ok, false, 'not on a deleted message');
});

// ---------------------------------------------------------------- HTTP

test('HTTP: the public routes answer as the table says', async (t) => {
  const relay = await relayWith(t);
  const widget = await fetch(`${relay.url}/live-chat.js`);
  assert.equal(widget.status, 200);
  assert.match(widget.headers.get('content-type') ?? '', /javascript/);
  assert.equal((await fetch(`${relay.url}/`)).status, 200);
  assert.equal((await fetch(`${relay.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${relay.url}/readyz`)).status, 200);
  const metrics = await fetch(`${relay.url}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(await metrics.text(), /^# (HELP|TYPE) /m);
  assert.equal((await fetch(`${relay.url}/console`)).status, 200);
  const page = await (await fetch(`${relay.url}/api/rooms/lobby/messages`)).json();
  assert.deepEqual(page, { messages: [], hasMore: false });
  const bad = await fetch(`${relay.url}/api/rooms/bad%20room/messages`);
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.code, 'invalid_room');
});

test('HTTP admin: 401 unauthorized without the key on every admin route, errors as { error: { code, message } }', async (t) => {
  // Each route's wrong key from its own address: one address may try only WRONG_KEYS (key-guesses.test.ts).
  const relay = await relayWith(t, { trustProxy: true });
  const routes: [string, string, unknown?][] = [
    ['POST', '/api/rooms/r/messages', { text: 'x', author: { id: 'bot', name: 'Bot' } }],
    ['GET', '/api/rooms'],
    ['GET', '/api/rooms/r/settings'],
    ['PATCH', '/api/rooms/r/settings', { topic: 'x' }],
    ['DELETE', '/api/rooms/r/messages/1'],
    ['GET', '/api/rooms/r/bans'],
    ['POST', '/api/rooms/r/bans', { memberId: 'x', minutes: 1 }],
    ['DELETE', '/api/rooms/r/bans/x'],
    ['GET', '/api/reports'],
    ['POST', '/api/reports/1/resolve'],
    ['GET', '/api/rooms/r/audit'],
  ];
  for (const [i, [method, path, body]] of routes.entries()) {
    for (const key of [null, 'wrong-key-wrong-key-wrong']) {
      const response = await api(relay.url, method, path, body, key, { 'x-forwarded-for': `203.0.113.${i + 1}` });
      assert.equal(response.status, 401, `${method} ${path}`);
      const json = await response.json();
      assert.equal(json.error.code, 'unauthorized', `${method} ${path}`);
      assert.equal(typeof json.error.message, 'string');
    }
  }
});

test('HTTP admin: messages, rooms, settings, deletion, bans, reports and the audit log', async (t) => {
  const relay = await relayWith(t);
  const mod = await joined(t, relay.url, 'hq', { token: await modToken() });
  const ann = await joined(t, relay.url, 'hq', { name: 'Ann', clientId: 'ann-client-1' });
  // POST messages: 201, then 200 and the original; broadcast.
  const heard = next(ann.socket, 'message');
  const body = { text: ' from the bot ', author: { id: 'bot-1', name: 'Bot', avatar: 'https://cdn.example/b.png' }, clientMsgId: 'bot-msg-0001' };
  const created = await api(relay.url, 'POST', '/api/rooms/hq/messages', body);
  assert.equal(created.status, 201);
  const message = await created.json();
  assert.deepEqual(await heard, message);
  assert.equal(message.text, 'from the bot');
  assert.deepEqual(message.author, { id: 'bot-1', name: 'Bot', avatar: 'https://cdn.example/b.png', verified: true });
  const repeated = await api(relay.url, 'POST', '/api/rooms/hq/messages', body);
  assert.equal(repeated.status, 200);
  assert.deepEqual(await repeated.json(), message);
  const reply = await api(relay.url, 'POST', '/api/rooms/hq/messages', { text: 're', author: { id: 'bot-1', name: 'Bot' }, replyTo: 1 });
  assert.equal(reply.status, 201);
  assert.equal((await reply.json()).replyTo.seq, 1);
  const missing = await api(relay.url, 'POST', '/api/rooms/hq/messages', { text: 're', author: { id: 'bot-1', name: 'Bot' }, replyTo: 50 });
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, 'not_found');
  const empty = await api(relay.url, 'POST', '/api/rooms/hq/messages', { text: '  ', author: { id: 'bot-1', name: 'Bot' } });
  assert.equal(empty.status, 400);
  assert.equal((await empty.json()).error.code, 'empty');
  for (let i = 0; i < 3; i++) await send(ann.socket, 'hq', `ann ${i}`);
  const page = await (await fetch(`${relay.url}/api/rooms/hq/messages?before=5&limit=2`)).json();
  assert.deepEqual(page.messages.map((m: any) => m.seq), [3, 4]);
  assert.equal(page.hasMore, true);
  await send((await joined(t, relay.url, 'quiet', { name: 'Q' })).socket, 'quiet', 'older room');
  await send(ann.socket, 'hq', 'latest');

  // GET /api/rooms.
  const rooms = await (await api(relay.url, 'GET', '/api/rooms')).json();
  assert.deepEqual(rooms.rooms.map((r: any) => r.room), ['hq', 'quiet']);
  const hq = rooms.rooms[0];
  assert.deepEqual(Object.keys(hq).sort(), ['lastMessageAt', 'lastSeq', 'messages', 'online', 'room']);
  assert.equal(hq.online, 2);
  assert.equal(hq.messages, 6);
  assert.equal(hq.lastSeq, 6);
  assert.equal(typeof hq.lastMessageAt, 'number');

  // Settings.
  const settings = await api(relay.url, 'GET', '/api/rooms/hq/settings');
  assert.equal(settings.status, 200);
  assert.deepEqual(await settings.json(), { topic: '', slowModeSeconds: 0, membersOnly: false, paused: false, pinnedSeq: null, blockedWords: [] });
  const roomEvent = next(ann.socket, 'room');
  const patched = await api(relay.url, 'PATCH', '/api/rooms/hq/settings', { topic: 'News', blockedWords: ['zork'], pinnedSeq: 1 });
  assert.equal(patched.status, 200);
  assert.deepEqual(await patched.json(), { topic: 'News', slowModeSeconds: 0, membersOnly: false, paused: false, pinnedSeq: 1, blockedWords: ['zork'] });
  const event = await roomEvent;
  assert.deepEqual(event.settings.blockedWords, []);
  assert.equal(event.pinned.seq, 1);
  const badPin = await api(relay.url, 'PATCH', '/api/rooms/hq/settings', { pinnedSeq: 99 });
  assert.equal(badPin.status, 404);
  const badTopic = await api(relay.url, 'PATCH', '/api/rooms/hq/settings', { topic: 't'.repeat(201) });
  assert.equal(badTopic.status, 400);
  assert.equal((await badTopic.json()).error.code, 'invalid_payload');

  // DELETE a message: 204, deleted and updated.
  const deleted = next(ann.socket, 'deleted');
  const updated = next(ann.socket, 'updated');
  const del = await api(relay.url, 'DELETE', '/api/rooms/hq/messages/3');
  assert.equal(del.status, 204);
  assert.deepEqual(await deleted, { room: 'hq', seq: 3 });
  assert.equal((await updated).deleted, true);
  assert.equal((await api(relay.url, 'DELETE', '/api/rooms/hq/messages/99')).status, 404);

  // Bans: 201, list, 204.
  const banned = next(ann.socket, 'banned');
  const posted = await api(relay.url, 'POST', '/api/rooms/hq/bans', { memberId: ann.ack.self.id, minutes: 5, reason: 'http' });
  assert.equal(posted.status, 201);
  assert.equal((await banned).reason, 'http');
  const bans = await (await api(relay.url, 'GET', '/api/rooms/hq/bans')).json();
  assert.equal(bans.bans.length, 1);
  assert.deepEqual(Object.keys(bans.bans[0]).sort(), ['by', 'member', 'reason', 'ts', 'until']);
  assert.deepEqual(bans.bans[0].member, ann.ack.self);
  const modBan = await api(relay.url, 'POST', '/api/rooms/hq/bans', { memberId: mod.ack.self.id, minutes: 5 });
  assert.equal(modBan.status, 403);
  assert.equal((await modBan.json()).error.code, 'forbidden');
  const badBan = await api(relay.url, 'POST', '/api/rooms/hq/bans', { memberId: 'x', minutes: 0 });
  assert.equal(badBan.status, 400);
  assert.equal((await badBan.json()).error.code, 'invalid_payload');
  assert.equal((await api(relay.url, 'DELETE', `/api/rooms/hq/bans/${encodeURIComponent(ann.ack.self.id)}`)).status, 204);
  assert.deepEqual((await (await api(relay.url, 'GET', '/api/rooms/hq/bans')).json()).bans, []);
  assert.equal((await api(relay.url, 'DELETE', `/api/rooms/hq/bans/${encodeURIComponent(ann.ack.self.id)}`)).status, 404);

  // Reports.
  const bob = await joined(t, relay.url, 'hq', { name: 'Bob', clientId: 'bob-client-1' });
  assert.ok((await request(bob.socket, 'report', { room: 'hq', seq: 4, reason: 'spam' })).ok);
  assert.ok((await request(mod.socket, 'report', { room: 'hq', seq: 4 })).ok);
  const open = await (await api(relay.url, 'GET', '/api/reports?room=hq&status=open')).json();
  assert.equal(open.reports.length, 1);
  const report = open.reports[0];
  assert.deepEqual(Object.keys(report).sort(), ['count', 'id', 'message', 'reasons', 'reporters', 'room', 'status', 'ts']);
  assert.equal(report.room, 'hq');
  assert.equal(report.message.seq, 4);
  assert.deepEqual(report.reporters, [bob.ack.self, mod.ack.self]);
  assert.deepEqual(report.reasons, ['spam']);
  assert.equal(report.count, 2);
  assert.equal(report.status, 'open');
  const resolved = await api(relay.url, 'POST', `/api/reports/${encodeURIComponent(report.id)}/resolve`);
  assert.equal(resolved.status, 200);
  assert.deepEqual((await (await api(relay.url, 'GET', '/api/reports?status=open')).json()).reports, []);
  const closed = await (await api(relay.url, 'GET', '/api/reports?status=resolved')).json();
  assert.equal(closed.reports[0].status, 'resolved');

  // The same actions over Socket.IO, then the audit log, newest first.
  assert.ok((await request(mod.socket, 'delete', { room: 'hq', seq: 5 })).ok);
  assert.ok((await request(mod.socket, 'ban', { room: 'hq', memberId: bob.ack.self.id, minutes: 1 })).ok);
  assert.ok((await request(mod.socket, 'unban', { room: 'hq', memberId: bob.ack.self.id })).ok);
  assert.ok((await request(mod.socket, 'configure', { room: 'hq', settings: { topic: 'socket' } })).ok);
  const audit = await api(relay.url, 'GET', '/api/rooms/hq/audit');
  assert.equal(audit.status, 200);
  const log = await audit.json();
  assert.deepEqual(Object.keys(log).sort(), ['entries', 'hasMore']);
  assert.deepEqual(log.entries.map((e: any) => [e.action, e.actor.id]), [
    ['configure', mod.ack.self.id],
    ['unban', mod.ack.self.id],
    ['ban', mod.ack.self.id],
    ['delete', mod.ack.self.id],
    ['resolve_report', 'admin'],
    ['unban', 'admin'],
    ['ban', 'admin'],
    ['delete', 'admin'],
    ['configure', 'admin'],
  ]);
  for (const entry of log.entries) {
    for (const key of Object.keys(entry)) assert.ok(['id', 'ts', 'actor', 'action', 'memberId', 'seq', 'detail'].includes(key), key);
    assert.equal(typeof entry.ts, 'number');
  }
  assert.ok(log.entries.every((e: any, i: number, all: any[]) => i === 0 || all[i - 1].ts >= e.ts), 'newest first');
  assert.equal(log.entries[3].seq, 5);
  assert.equal(log.entries[2].memberId, bob.ack.self.id);
  assert.equal(log.entries[7].seq, 3);
  assert.equal(log.hasMore, false);
  const firstPage = await (await api(relay.url, 'GET', '/api/rooms/hq/audit?limit=2')).json();
  assert.equal(firstPage.entries.length, 2);
  assert.equal(firstPage.hasMore, true);
  const nextPage = await (await api(relay.url, 'GET', `/api/rooms/hq/audit?limit=2&before=${encodeURIComponent(firstPage.entries[1].id)}`)).json();
  assert.deepEqual(nextPage.entries.map((e: any) => e.action), ['ban', 'delete']);
});

// ---------------------------------------------------------------- Webhooks

test('webhooks: { type, timestamp, data } for each of the five events, signed as Standard Webhooks specify', async (t) => {
  const hits: { headers: Record<string, string>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
  const key = randomBytes(24);
  const secret = `whsec_${key.toString('base64')}`;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const relay = await relayWith(t, { webhook: { url, secret, ...webhookDefaults, retryDelaysMs: [...webhookDefaults.retryDelaysMs] } });
  const mod = await joined(t, relay.url, 'wh', { token: await modToken() });
  const ann = await joined(t, relay.url, 'wh', { name: 'Ann', clientId: 'ann-client-1' });
  const sent = await send(ann.socket, 'wh', 'hook me');
  const edited = await request(ann.socket, 'edit', { room: 'wh', seq: 1, text: 'hooked' });
  assert.ok((await request(ann.socket, 'delete', { room: 'wh', seq: 1 })).ok);
  await send(ann.socket, 'wh', 'report me');
  assert.ok((await request(mod.socket, 'report', { room: 'wh', seq: 2, reason: 'why' })).ok);
  assert.ok((await request(mod.socket, 'ban', { room: 'wh', memberId: ann.ack.self.id, minutes: 3, reason: 'bye' })).ok);
  const deadline = Date.now() + 5000;
  while (hits.length < 6 && Date.now() < deadline) await sleep(25);
  const events = hits.map((hit) => {
    const id = hit.headers['webhook-id']!;
    const timestamp = hit.headers['webhook-timestamp']!;
    const signature = hit.headers['webhook-signature']!;
    assert.ok(id, 'webhook-id');
    assert.match(timestamp, /^\d+$/);
    assert.ok(Math.abs(Number(timestamp) - Date.now() / 1000) < 60);
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${hit.body}`).digest('base64');
    assert.ok(signature.split(' ').includes(`v1,${expected}`), 'v1 signature of id.timestamp.body');
    const event = JSON.parse(hit.body);
    assert.deepEqual(Object.keys(event).sort(), ['data', 'timestamp', 'type']);
    assert.match(event.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    return event;
  });
  assert.deepEqual(events.map((e) => e.type), ['message.created', 'message.updated', 'message.deleted', 'message.created', 'report.created', 'member.banned']);
  // v3: a deletion takes the text out of the events still queued then, so
  // these two carry their text, or "" if they were still waiting.
  const asQueued = (data: any, message: any) => assert.deepEqual(data, data.text === '' ? { ...message, text: '' } : message);
  asQueued(events[0].data, sent.message);
  asQueued(events[1].data, edited.message);
  assert.equal(events[2].data.deleted, true);
  const report = events[4].data;
  assert.equal(report.room, 'wh');
  assert.equal(report.message.seq, 2);
  assert.equal(report.count, 1);
  const ban = events[5].data;
  assert.equal(ban.room, 'wh');
  assert.deepEqual(ban.member, ann.ack.self);
  assert.deepEqual(ban.by, mod.ack.self);
  assert.equal(ban.reason, 'bye');
  assert.equal(typeof ban.until, 'number');
  assert.equal(typeof ban.ts, 'number');

  // The admin API's actions are events too.
  const posted = await (await api(relay.url, 'POST', '/api/rooms/wh/messages', { text: 'from a bot', author: { id: 'bot', name: 'Bot' } })).json();
  assert.equal((await api(relay.url, 'DELETE', `/api/rooms/wh/messages/${posted.seq}`)).status, 204);
  assert.equal((await api(relay.url, 'POST', '/api/rooms/wh/bans', { memberId: 'someone', minutes: 1 })).status, 201);
  while (hits.length < 9 && Date.now() < deadline + 5000) await sleep(25);
  assert.deepEqual(hits.slice(6).map((h) => JSON.parse(h.body).type), ['message.created', 'message.deleted', 'member.banned']);
});

test('webhooks: a failed delivery is retried with the same webhook-id', async (t) => {
  const ids: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      ids.push(String(req.headers['webhook-id']));
      res.writeHead(ids.length === 1 ? 500 : 200).end();
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const relay = await relayWith(t, { webhook: { url, secret, ...webhookDefaults, retryDelaysMs: [50] } });
  const ann = await joined(t, relay.url, 'retry', { name: 'Ann' });
  await send(ann.socket, 'retry', 'once');
  const deadline = Date.now() + 5000;
  while (ids.length < 2 && Date.now() < deadline) await sleep(25);
  await sleep(100);
  assert.equal(ids.length, 2, 'one retry, then success');
  assert.equal(ids[0], ids[1]);
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
