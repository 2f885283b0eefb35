import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { webhookDefaults, type Config, type WebhookConfig } from '../../../server/config.js';
import { spawnRelay, waitFor } from '../cluster-helpers.js';
import { freePort, joined, msgId, request, startRelay, tempDir } from '../helpers.js';
import { freshPostgres, freshStreamName, redisUrl, skipWithoutBoth, skipWithoutPostgres } from '../services.js';

/** One request the receiver got. */
interface Hit {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  event: { type: string; timestamp: string; data: any };
  /** What the receiver answered: a status, or 'hang' (never). */
  answer: number | 'hang';
  at: number;
}

type Answer = (hit: Omit<Hit, 'answer' | 'at'>, attempt: number) => number | 'hang';

/**
 * A real HTTP receiver on port 0: records every request and answers what
 * `answer` says (given how many times it has seen that webhook-id), or never.
 */
async function startReceiver(t: TestContext, answer: Answer = () => 204) {
  const hits: Hit[] = [];
  const seen = new Map<string, number>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const id = String(request.headers['webhook-id']);
      const attempt = (seen.get(id) ?? 0) + 1;
      seen.set(id, attempt);
      const hit = {
        id,
        timestamp: String(request.headers['webhook-timestamp']),
        signature: String(request.headers['webhook-signature']),
        body,
        event: JSON.parse(body),
      };
      const status = receiver.answer(hit, attempt);
      hits.push({ ...hit, answer: status, at: Date.now() });
      if (status !== 'hang') response.writeHead(status).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    hits,
    answer,
    /** Every webhook-id answered with a 2xx, in the order they were. */
    delivered: () => hits.filter((h) => typeof h.answer === 'number' && h.answer < 300),
  };
  return receiver;
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

function webhook(url: string, secret: string, overrides: Partial<WebhookConfig> = {}): Config['webhook'] {
  return { url, secret, ...webhookDefaults, retryDelaysMs: [...webhookDefaults.retryDelaysMs], ...overrides };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  assert.ok(match, `${name} in /metrics`);
  return Number(match[1]);
}

test('each message change is POSTed as { type, timestamp, data }, signed as Standard Webhooks specify', async (t) => {
  const receiver = await startReceiver(t);
  const secret = newSecret();
  const relay = await startRelay(t, { webhook: webhook(receiver.url, secret) });
  const { socket } = await joined(t, relay.url, 'hooks', { name: 'ann' });
  const sent = await request(socket, 'send', { room: 'hooks', text: 'hello', clientMsgId: msgId() });
  const edited = await request(socket, 'edit', { room: 'hooks', seq: 1, text: 'hello again' });
  const reacted = await request(socket, 'react', { room: 'hooks', seq: 1, emoji: '👍', on: true });
  assert.ok((await request(socket, 'delete', { room: 'hooks', seq: 1 })).ok);
  await waitFor(() => receiver.delivered().length === 4, 'four events delivered');

  const verifier = new Webhook(secret);
  for (const hit of receiver.hits) {
    // The reference library's check: id, timestamp (within 5 minutes) and the v1 HMAC of "id.timestamp.body".
    verifier.verify(hit.body, { 'webhook-id': hit.id, 'webhook-timestamp': hit.timestamp, 'webhook-signature': hit.signature });
    assert.match(hit.id, /^msg_[0-9a-f]{32}$/);
    assert.equal(new Date(hit.event.timestamp).toISOString(), hit.event.timestamp);
    assert.ok(Math.abs(Date.parse(hit.event.timestamp) - Date.now()) < 60_000);
  }
  // Tampered with, it no longer verifies.
  const first = receiver.hits[0]!;
  assert.throws(() => verifier.verify(first.body.replace('hello', 'HELLO'), { 'webhook-id': first.id, 'webhook-timestamp': first.timestamp, 'webhook-signature': first.signature }));
  assert.throws(() => new Webhook(newSecret()).verify(first.body, { 'webhook-id': first.id, 'webhook-timestamp': first.timestamp, 'webhook-signature': first.signature }));

  assert.deepEqual(
    receiver.hits.map((h) => [h.event.type, h.event.data.seq, h.event.data.rev]),
    [['message.created', 1, 1], ['message.updated', 1, 2], ['message.updated', 1, 3], ['message.deleted', 1, 4]],
  );
  // A deletion takes the text out of events still queued (v3): each carries its text, or "" if it was still waiting.
  const asQueued = (data: any, message: any) => assert.deepEqual(data, data.text === '' ? { ...message, text: '' } : message);
  asQueued(receiver.hits[0]!.event.data, sent.message);
  asQueued(receiver.hits[1]!.event.data, edited.message);
  asQueued(receiver.hits[2]!.event.data, reacted.message);
  assert.equal(receiver.hits[3]!.event.data.deleted, true);
  assert.equal(receiver.hits[3]!.event.data.text, '');
  assert.equal(new Set(receiver.hits.map((h) => h.id)).size, 4, 'each event its own id');

  await waitFor(async () => (await metric(relay.url, 'live_chat_webhook_queue_depth')) === 0, 'the queue empties');
  assert.equal(await metric(relay.url, 'live_chat_webhook_delivered_total'), 4);
  assert.equal(await metric(relay.url, 'live_chat_webhook_failed_total'), 0);
  assert.equal(await metric(relay.url, 'live_chat_webhook_oldest_age_seconds'), 0);
});

test('a ban and a report are POSTed too: member.banned (the Ban with its room) and report.created (the report with its message)', async (t) => {
  const receiver = await startReceiver(t);
  const secret = newSecret();
  const jwtSecret = 'a-test-secret-that-is-at-least-32-chars';
  const relay = await startRelay(t, { webhook: webhook(receiver.url, secret), jwtSecret });
  const { SignJWT } = await import('jose');
  const token = await new SignJWT({ sub: 'mod-1', name: 'Mia', role: 'moderator' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(jwtSecret));
  const mod = await joined(t, relay.url, 'hooks', { token });
  const ann = await joined(t, relay.url, 'hooks', { name: 'ann', clientId: 'ann-client-1' });
  await request(ann.socket, 'send', { room: 'hooks', text: 'buy now', clientMsgId: msgId() });
  assert.ok((await request(mod.socket, 'report', { room: 'hooks', seq: 1, reason: 'spam' })).ok);
  assert.ok((await request(mod.socket, 'report', { room: 'hooks', seq: 1 })).ok, 'a second report by the same member is counted once');
  assert.ok((await request(mod.socket, 'ban', { room: 'hooks', memberId: ann.ack.self.id, minutes: 5, reason: 'spam' })).ok);
  await waitFor(() => receiver.delivered().length === 3, 'three events delivered');
  assert.deepEqual(receiver.hits.map((h) => h.event.type), ['message.created', 'report.created', 'member.banned']);
  const report = receiver.hits[1]!.event.data;
  assert.equal(report.room, 'hooks');
  assert.equal(report.message.text, 'buy now');
  assert.deepEqual(report.reasons, ['spam']);
  const ban = receiver.hits[2]!.event.data;
  assert.equal(ban.room, 'hooks');
  assert.equal(ban.member.id, ann.ack.self.id);
  assert.equal(ban.by.id, 'mod-1');
  assert.equal(ban.reason, 'spam');
  assert.ok(ban.until > Date.now());
  const verifier = new Webhook(secret);
  for (const hit of receiver.hits) verifier.verify(hit.body, { 'webhook-id': hit.id, 'webhook-timestamp': hit.timestamp, 'webhook-signature': hit.signature });
});

test('a retried send (same clientMsgId) is not told twice; without WEBHOOK_URL nothing is queued', async (t) => {
  const receiver = await startReceiver(t);
  const relay = await startRelay(t, { webhook: webhook(receiver.url, newSecret()) });
  const { socket } = await joined(t, relay.url, 'once');
  const clientMsgId = msgId();
  await request(socket, 'send', { room: 'once', text: 'one', clientMsgId });
  await request(socket, 'send', { room: 'once', text: 'one', clientMsgId });
  await request(socket, 'send', { room: 'once', text: 'two', clientMsgId: msgId() });
  await waitFor(() => receiver.delivered().length === 2, 'two events');
  assert.deepEqual(receiver.hits.map((h) => h.event.data.text), ['one', 'two']);

  const plain = await startRelay(t);
  const other = await joined(t, plain.url, 'off');
  await request(other.socket, 'send', { room: 'off', text: 'unheard', clientMsgId: msgId() });
  assert.deepEqual(await plain.app.store.webhookQueue(), { depth: 0, oldestTs: null });
});

test('retries after a 5xx and after a timeout keep their webhook-id, and each room keeps its order', async (t) => {
  // Every event: 500 first, then no answer at all, then 200.
  const receiver = await startReceiver(t, (_hit, attempt) => (attempt === 1 ? 500 : attempt === 2 ? 'hang' : 200));
  const relay = await startRelay(t, { webhook: webhook(receiver.url, newSecret(), { retryDelaysMs: [30, 60], timeoutMs: 300 }) });
  const rooms = ['north', 'south'];
  const sockets = await Promise.all(rooms.map(async (room) => (await joined(t, relay.url, room)).socket));
  for (let i = 1; i <= 5; i++) {
    await Promise.all(rooms.map((room, r) => request(sockets[r]!, 'send', { room, text: `${room} ${i}`, clientMsgId: msgId() })));
  }
  await waitFor(() => receiver.delivered().length === 10, 'ten events delivered', 20_000);

  for (const room of rooms) {
    const hits = receiver.hits.filter((h) => h.event.data.room === room);
    // Three attempts each, the same id every time, and the next event of the
    // room only once the one before it succeeded.
    assert.deepEqual(
      hits.map((h) => [h.event.data.seq, h.answer]),
      [1, 2, 3, 4, 5].flatMap((seq) => [[seq, 500], [seq, 'hang'], [seq, 200]]),
    );
    for (let i = 0; i < hits.length; i += 3) assert.equal(new Set(hits.slice(i, i + 3).map((h) => h.id)).size, 1);
    assert.equal(new Set(hits.map((h) => h.id)).size, 5);
  }
  assert.equal(await metric(relay.url, 'live_chat_webhook_failed_total'), 20);
  assert.equal(await metric(relay.url, 'live_chat_webhook_delivered_total'), 10);
});

test('an event failing past the give-up time is dropped and counted, and its room goes on', async (t) => {
  const receiver = await startReceiver(t, (hit) => (hit.event.data.text === 'poison' ? 503 : 200));
  const relay = await startRelay(t, { webhook: webhook(receiver.url, newSecret(), { retryDelaysMs: [20], giveUpAfterMs: 300 }) });
  const { socket } = await joined(t, relay.url, 'drop');
  await request(socket, 'send', { room: 'drop', text: 'poison', clientMsgId: msgId() });
  await request(socket, 'send', { room: 'drop', text: 'fine', clientMsgId: msgId() });
  await waitFor(() => receiver.delivered().length === 1, 'the next event delivered');
  assert.equal(receiver.delivered()[0]!.event.data.text, 'fine');
  const poisoned = receiver.hits.filter((h) => h.event.data.text === 'poison');
  assert.ok(poisoned.length >= 2, `${poisoned.length} attempts`);
  // Every attempt at the poison came before the next event (the same millisecond, maybe).
  assert.ok(receiver.hits.indexOf(poisoned.at(-1)!) < receiver.hits.indexOf(receiver.delivered()[0]!));
  assert.equal(await metric(relay.url, 'live_chat_webhook_dropped_total'), 1);
  assert.equal(await metric(relay.url, 'live_chat_webhook_queue_depth'), 0);
});

for (const [kind, receiverUrl] of [
  ['refuses connections', async () => `http://127.0.0.1:${await freePort()}/hooks`],
  ['never answers', async (t: TestContext) => (await startReceiver(t, () => 'hang')).url],
] as const) {
  test(`a receiver that ${kind} does not hold up sends`, async (t) => {
    // The real schedule and the real 10 s timeout.
    const relay = await startRelay(t, { webhook: webhook(await receiverUrl(t), newSecret()) });
    const rooms = Array.from({ length: 25 }, (_, i) => `room-${i}`);
    const { socket } = await joined(t, relay.url, rooms[0]!);
    for (const room of rooms.slice(1)) assert.ok((await request(socket, 'join', { room })).ok);
    const started = Date.now();
    // 50 sends across 25 rooms: more rooms than the worker delivers at once.
    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) => request(socket, 'send', { room: rooms[i % 25], text: `m${i}`, clientMsgId: msgId() })),
    );
    const elapsed = Date.now() - started;
    assert.ok(acks.every((ack) => ack.ok));
    // Each ack would wait out a 10 s timeout if sends waited for deliveries.
    assert.ok(elapsed < 5000, `50 sends acknowledged in ${elapsed} ms`);
    assert.equal(await metric(relay.url, 'live_chat_webhook_queue_depth'), 50, 'all still queued');
    assert.equal(await metric(relay.url, 'live_chat_webhook_delivered_total'), 0);
  });
}

for (const [backend, databaseUrl] of [
  ['SQLite', async () => undefined],
  ['PostgreSQL', async (t: TestContext) => freshPostgres(t)],
] as const) {
  test(`a deletion blanks the text in events still queued before it, quotes included (${backend})`, { skip: backend === 'PostgreSQL' && skipWithoutPostgres }, async (t) => {
    // The receiver is down while the message is sent, quoted, edited and deleted.
    let up = false;
    const receiver = await startReceiver(t, () => (up ? 200 : 503));
    const url = await databaseUrl(t);
    const relay = await startRelay(t, {
      webhook: webhook(receiver.url, newSecret(), { retryDelaysMs: [50] }),
      ...(url ? { databaseUrl: url } : {}),
    });
    const ann = await joined(t, relay.url, 'scrub', { name: 'ann', clientId: 'ann-client-1' });
    const bob = await joined(t, relay.url, 'scrub', { name: 'bob', clientId: 'bob-client-1' });
    await request(ann.socket, 'send', { room: 'scrub', text: 'my card is 4242 secret', clientMsgId: msgId() });
    await request(bob.socket, 'send', { room: 'scrub', text: 'you should not post that', clientMsgId: msgId(), replyTo: 1 });
    await request(ann.socket, 'edit', { room: 'scrub', seq: 1, text: 'my card is 4242 secret!' });
    await request(bob.socket, 'send', { room: 'scrub', text: 'unrelated', clientMsgId: msgId() });
    await waitFor(() => receiver.hits.length >= 1, 'a first attempt failed');
    assert.ok((await request(ann.socket, 'delete', { room: 'scrub', seq: 1 })).ok);
    // A room's events go one at a time: the first attempt after the deletion
    // may have read its body just before it; the second read it after.
    const failedBefore = receiver.hits.length;
    await waitFor(() => receiver.hits.length >= failedBefore + 2, 'two more attempts failed');
    up = true;
    await waitFor(() => receiver.delivered().length === 5, 'five events delivered', 10_000);
    const delivered = receiver.delivered();
    assert.deepEqual(delivered.map((h) => [h.event.type, h.event.data.seq]), [
      ['message.created', 1], ['message.created', 2], ['message.updated', 1], ['message.created', 3], ['message.deleted', 1],
    ]);
    for (const hit of delivered) assert.doesNotMatch(hit.body, /secret/, `${hit.event.type} ${hit.event.data.seq} carries the deleted text`);
    assert.equal(delivered[0]!.event.data.text, '');
    assert.equal(delivered[1]!.event.data.replyTo.text, '');
    assert.equal(delivered[1]!.event.data.text, 'you should not post that');
    assert.equal(delivered[3]!.event.data.text, 'unrelated');
  });
}

test('a relay killed with events queued delivers them, same ids, in order, as soon as it is back', async (t) => {
  let up = false;
  const receiver = await startReceiver(t, () => (up ? 200 : 503));
  const secret = newSecret();
  const env = { DATABASE_URL: `sqlite:${join(tempDir(t), 'chat.db')}`, WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: secret };
  const first = await spawnRelay(t, env);
  const { socket } = await joined(t, first.url, 'crash');
  for (let i = 1; i <= 5; i++) await request(socket, 'send', { room: 'crash', text: `m${i}`, clientMsgId: msgId() });
  // Tried at once, after 1 s and after 5 s: the next try would be 30 s later.
  await waitFor(() => receiver.hits.length >= 3, 'three failed attempts', 15_000);
  socket.disconnect();
  await first.kill('SIGKILL');
  const failedId = receiver.hits[0]!.id;
  assert.ok(receiver.hits.every((h) => h.id === failedId && h.event.data.seq === 1), 'only the room’s first event was tried');

  up = true;
  const restarted = Date.now();
  await spawnRelay(t, env);
  await waitFor(() => receiver.delivered().length === 5, 'all five delivered after the restart', 20_000);
  const delivered = receiver.delivered();
  assert.ok(delivered[0]!.at - restarted < 20_000, 'resumed, not waiting out the 30 s retry');
  assert.deepEqual(delivered.map((h) => h.event.data.text), ['m1', 'm2', 'm3', 'm4', 'm5']);
  assert.equal(delivered[0]!.id, failedId, 'the retry kept its webhook-id');
  assert.equal(new Set(delivered.map((h) => h.id)).size, 5);
});

test('two relays on one PostgreSQL (and Redis) deliver each event exactly once, in order per room', { skip: skipWithoutBoth }, async (t) => {
  const receiver = await startReceiver(t, () => 200);
  const env = {
    DATABASE_URL: await freshPostgres(t),
    REDIS_URL: redisUrl!,
    REDIS_PREFIX: freshStreamName(),
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET: newSecret(),
  };
  // Processes of their own, as in production (each its own worker and claims).
  const relays = [await spawnRelay(t, env), await spawnRelay(t, env)];
  const rooms = ['one', 'two', 'three', 'four'];
  const sockets = await Promise.all(relays.map(async (relay) => {
    const { socket } = await joined(t, relay.url, rooms[0]!);
    for (const room of rooms.slice(1)) await request(socket, 'join', { room });
    return socket;
  }));
  // 80 messages, from both relays into every room, at once.
  await Promise.all(
    Array.from({ length: 80 }, (_, i) => request(sockets[i % 2]!, 'send', { room: rooms[i % 4], text: `m${i}`, clientMsgId: msgId() })),
  );
  await waitFor(() => receiver.delivered().length >= 80, 'eighty events delivered', 20_000);
  // Give a duplicate time to show.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(receiver.hits.length, 80, 'no event delivered twice');
  assert.equal(new Set(receiver.hits.map((h) => h.id)).size, 80);
  for (const room of rooms) {
    const seqs = receiver.hits.filter((h) => h.event.data.room === room).map((h) => h.event.data.seq);
    assert.deepEqual(seqs, Array.from({ length: 20 }, (_, i) => i + 1), `${room} in order`);
  }
  const delivered = await Promise.all(relays.map((relay) => metric(relay.url, 'live_chat_webhook_delivered_total')));
  assert.equal(delivered[0]! + delivered[1]!, 80);
});
