/**
 * PROTOCOL.md v2, as a client written only from that text checks it: the
 * public HTTP routes and the admin API (messages, rooms, settings,
 * deletion, bans, reports, the audit log), over fetch.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joined, next, request } from '../helpers.js';
import { api, modToken, relayWith, send } from './setup.js';

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
