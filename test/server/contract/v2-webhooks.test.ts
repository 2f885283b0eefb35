/**
 * PROTOCOL.md v2, as a client written only from that text checks it:
 * webhooks, their { type, timestamp, data } body, their Standard Webhooks
 * signature, and a retried delivery.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { webhookDefaults } from '../../../server/config.js';
import { joined, request, sleep } from '../helpers.js';
import { api, modToken, relayWith, send } from './setup.js';

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
