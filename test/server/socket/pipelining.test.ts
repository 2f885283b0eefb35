import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlPair, RawSocket, rawAck } from '../attack-helpers.js';
import { sleep, startRelay } from '../helpers.js';

/**
 * One connection pipelining heavy requests and reading none of the answers
 * (an outside review: 200 `history { limit: 200 }` in ~10 KB froze the
 * relay ~3 s, control latency 2,990 ms, +482 MB RSS). Every event is
 * bounded: a few requests in flight per connection, a request budget per
 * connection, and no heavy answer while the connection's own answers wait
 * unread past the slow-consumer limit.
 */

const attacker = '203.0.113.66';
const elsewhere = '198.51.100.7';

test('200 pipelined history requests from a connection that reads nothing: control p99 < 100 ms, RSS < +50 MB', async (t) => {
  const key = 'an-admin-key-of-16+';
  const relay = await startRelay(t, { trustProxy: ['loopback'], rateLimit: { points: 100_000, windowMs: 10_000 }, guestRateLimit: undefined, adminApiKey: key });
  const control = await controlPair(t, relay.url, { forwardedFor: elsewhere });
  // A room worth reading: 200 messages of 1,900 characters (~400 KB a page), posted by a bot.
  for (let i = 0; i < 200; i++) {
    const posted = await fetch(`${relay.url}/api/rooms/big/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ text: `${i} ${'x'.repeat(1900)}`, author: { id: 'bot', name: 'Bot' } }),
    });
    assert.equal(posted.status, 201);
  }

  const raw = await RawSocket.member(relay.url, { name: 'hoarder', clientId: 'hoarder-client-1' }, { 'x-forwarded-for': attacker });
  raw.send(`421${JSON.stringify(['join', { room: 'big', limit: 1 }])}`);
  assert.equal((await rawAck(raw, 1)).ok, true);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;

  // Stop reading, then pipeline 200 heavy requests at once.
  (raw.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  for (let id = 2; id < 202; id++) raw.send(`42${id}${JSON.stringify(['history', { room: 'big', before: 201, limit: 200 }])}`);

  const latencies: number[] = [];
  for (let round = 0; round < 100; round++) {
    const started = performance.now();
    await control.chat(`round ${round}`);
    latencies.push(performance.now() - started);
    await sleep(10);
  }
  const started = performance.now();
  assert.equal((await fetch(`${relay.url}/healthz`)).status, 200);
  const healthMs = performance.now() - started;
  const rssGrowth = process.memoryUsage().rss - rssBefore;

  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.ceil(latencies.length * 0.99) - 1]!;
  assert.ok(p99 < 100, `control round trip p99 ${p99.toFixed(1)} ms (all: ${latencies.map((l) => l.toFixed(0)).join(', ')})`);
  assert.ok(healthMs < 100, `/healthz took ${healthMs.toFixed(1)} ms`);
  assert.ok(rssGrowth < 50 * 2 ** 20, `RSS grew ${(rssGrowth / 2 ** 20).toFixed(1)} MB`);
});

test('the requests past a connection\'s bounds are answered rate_limited with retryAfterMs, the rest are served', async (t) => {
  const relay = await startRelay(t, { rateLimit: { points: 100_000, windowMs: 10_000 } });
  const raw = await RawSocket.member(relay.url, { name: 'eager', clientId: 'eager-client-1' });
  raw.send(`421${JSON.stringify(['join', { room: 'lobby' }])}`);
  assert.equal((await rawAck(raw, 1)).ok, true);
  for (let id = 2; id < 102; id++) raw.send(`42${id}${JSON.stringify(['history', { room: 'lobby', before: 1 }])}`);
  const acks = await Promise.all(Array.from({ length: 100 }, (_, i) => rawAck(raw, i + 2, 5000)));
  const refused = acks.filter((a) => !a.ok);
  assert.ok(acks.some((a) => a.ok), 'some were served');
  assert.ok(refused.length > 0, 'some were refused');
  for (const ack of refused) {
    assert.equal(ack.error.code, 'rate_limited');
    assert.ok(ack.error.retryAfterMs > 0, JSON.stringify(ack));
  }
});
