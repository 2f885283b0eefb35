import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { spawnRelay } from '../cluster-helpers.js';
import type { PresenceEvent } from '../../../protocol/index.js';
import { collect, joined, msgId, next, request, sendBurst, sleep, startRelay, writeCalls, type Client } from '../helpers.js';
import { freshPostgres, redisUrl, skipWithoutBoth } from '../services.js';

/**
 * The write counts of chat.test.ts across the Redis adapter: a relay that
 * broadcasts what another relay's member sent still gives each of its
 * members one buffer a message (socket/one-write-frames.ts patches the
 * adapter's encoding, which the Redis adapter inherits). The sender's relay
 * is a process; the reader's runs here, to count its writes into libuv.
 */
async function pair(t: TestContext) {
  const databaseUrl = await freshPostgres(t);
  const redisPrefix = `test-${randomBytes(5).toString('hex')}`;
  const sending = await spawnRelay(t, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl!, REDIS_PREFIX: redisPrefix });
  const reading = await startRelay(t, { databaseUrl, redisUrl, redisPrefix });
  return { sending, reading };
}

/** Resolves once the reader is told that `name` joined. */
function untilPresenceOf(socket: Client, name: string): Promise<void> {
  return new Promise((resolve) => {
    const seen = (event: PresenceEvent) => {
      if (!event.joined.some((member) => member.name === name)) return;
      socket.off('presence', seen);
      resolve();
    };
    socket.on('presence', seen);
  });
}

describe('write counts across relays behind Redis', { skip: skipWithoutBoth }, () => {
  test('a message sent on another relay reaches a member as one buffer in one write', async (t) => {
    const { sending, reading } = await pair(t);
    const reader = await joined(t, reading.url, 'single', { name: 'reader' });
    // The sender's arrival is told first: counting starts after it.
    const senderSeen = untilPresenceOf(reader.socket, 'sender');
    const sender = await joined(t, sending.url, 'single', { name: 'sender' });
    await senderSeen;
    await sleep(50);
    const calls = writeCalls(reading, reader.socket.id!);
    const arrived = next(reader.socket, 'message');
    await request(sender.socket, 'send', { room: 'single', text: 'x'.repeat(300), clientMsgId: msgId() });
    assert.equal((await arrived).text, 'x'.repeat(300));
    await sleep(20);
    assert.deepEqual(calls, ['writeBuffer']);
  });

  test('messages sent together on another relay each reach a member as one buffer', async (t) => {
    const { sending, reading } = await pair(t);
    const reader = await joined(t, reading.url, 'burst', { name: 'reader' });
    // The sender's arrival is told first: counting starts after it.
    const senderSeen = untilPresenceOf(reader.socket, 'sender');
    const sender = await joined(t, sending.url, 'burst', { name: 'sender' });
    await senderSeen;
    await sleep(50);
    const received = collect(reader.socket, 'message');
    const calls = writeCalls(reading, reader.socket.id!);
    await sendBurst(sender, 'burst');
    await sleep(100);
    // All of them; across relays not always in seq order (clients order by seq).
    assert.deepEqual(received.map((m) => m.text).sort(), ['burst 1', 'burst 2', 'burst 3', 'burst 4', 'burst 5']);
    assert.ok(calls.length > 0 && calls.length <= 5, `between one and five writes: ${calls.join(',')}`);
    assert.ok(calls.every((call) => call === 'writeBuffer'), `each a single buffer, no frame split in two: ${calls.join(',')}`);
  });
});
