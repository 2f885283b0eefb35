import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { OVERVIEW_BUSIEST, OVERVIEW_MINUTES } from '../../../protocol/index.js';
import type { Config } from '../../../server/config.js';
import { connect, joined, msgId, request, startRelay, type Relay } from '../helpers.js';
import { freshPostgres, skipWithoutPostgres } from '../services.js';

/**
 * GET /api/overview, the console's overview of the whole relay: messages
 * per minute over the last 24 hours (from the stored messages' times),
 * members online per minute (samples each relay stores at each minute's
 * start, summed across relays), the busiest rooms and the open reports.
 */

const key = 'admin-key-for-tests-0123456789';
const MINUTE = 60_000;

async function overview(relay: Relay, query = '', auth: string | null = key) {
  const response = await fetch(`${relay.url}/api/overview${query}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });
  return { status: response.status, body: await response.json() };
}

/** Where `ts` falls in the overview's minutes (the first starting at `from`). */
const slot = (body: { from: number }, ts: number) => Math.floor((ts - body.from) / MINUTE);

/** A ticket for the console's socket, as the console gets one: signed in with the key, then POST /console/ticket with the cookie. */
async function consoleTicket(relay: Relay): Promise<string> {
  const session = await fetch(`${relay.url}/console/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: relay.url },
    body: JSON.stringify({ key }),
  });
  const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
  const ticket = await fetch(`${relay.url}/console/ticket`, { method: 'POST', headers: { cookie, origin: relay.url } });
  return ((await ticket.json()) as { ticket: string }).ticket;
}

/** A message as if sent at `ts`: written to the store directly, as history a relay would hold. */
const planted = (relay: Relay, room: string, ts: number) =>
  relay.app.store.append({ room, text: 'earlier', author: { id: 'u-old', name: 'Old', verified: true }, clientMsgId: msgId(), ts });

const stores: Record<string, { skip: string | false; databaseUrl?: (t: TestContext) => Promise<string> }> = {
  sqlite: { skip: false },
  postgres: { skip: skipWithoutPostgres, databaseUrl: freshPostgres },
};

test('GET /api/overview: 401 without the key, 400 for an unknown parameter', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  for (const auth of [null, 'wrong-key-wrong-key-wrong']) {
    const { status, body } = await overview(relay, '', auth);
    assert.equal(status, 401);
    assert.equal(body.error.code, 'unauthorized');
  }
  const { status, body } = await overview(relay, '?hours=48');
  assert.equal(status, 400);
  assert.equal(body.error.code, 'invalid_payload');
});

for (const [kind, { skip, databaseUrl }] of Object.entries(stores)) {
  describe(`GET /api/overview on ${kind}`, { skip }, () => {
    const relayFor = async (t: TestContext, overrides: Partial<Config> = {}) =>
      startRelay(t, { adminApiKey: key, ...(databaseUrl ? { databaseUrl: await databaseUrl(t) } : {}), ...overrides });

    test('an empty relay: 1440 minutes of nothing, no rooms, no reports', async (t) => {
      const relay = await relayFor(t);
      const before = Date.now();
      const { status, body } = await overview(relay);
      assert.equal(status, 200);
      assert.equal(body.messages.length, OVERVIEW_MINUTES);
      assert.equal(body.online.length, OVERVIEW_MINUTES);
      assert.ok(body.messages.every((n: number) => n === 0));
      assert.ok(body.online.every((n: number | null) => n === null), 'no relay sampled yet');
      assert.equal(body.from % MINUTE, 0, 'minutes start on the minute');
      assert.equal(slot(body, before), OVERVIEW_MINUTES - 1, 'the last minute is the current one');
      assert.deepEqual([body.rooms, body.openReports], [[], 0]);
    });

    test('messages per minute from the stored messages, the busiest rooms of the 24 hours, the open reports', async (t) => {
      const relay = await relayFor(t);
      const now = Date.now();
      // Two hours ago: two in lobby; yesterday, just outside the 24 hours: one not counted.
      await planted(relay, 'lobby', now - 120 * MINUTE);
      await planted(relay, 'lobby', now - 120 * MINUTE + 1);
      await planted(relay, 'old', now - OVERVIEW_MINUTES * MINUTE - MINUTE);
      const ann = await joined(t, relay.url, 'lobby', { name: 'ann' });
      const bob = await joined(t, relay.url, 'help', { name: 'bob' });
      for (const text of ['one', 'two', 'three']) await request(ann.socket, 'send', { room: 'lobby', text, clientMsgId: msgId() });
      const bad = await request(bob.socket, 'send', { room: 'help', text: 'buy pills', clientMsgId: msgId() });
      await request(ann.socket, 'join', { room: 'help' });
      assert.deepEqual(await request(ann.socket, 'report', { room: 'help', seq: bad.message.seq }), { ok: true });
      // A deleted message was still sent: it counts.
      await request(ann.socket, 'send', { room: 'lobby', text: 'oops', clientMsgId: msgId() });
      const deleted = await fetch(`${relay.url}/api/rooms/lobby/messages/6`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
      assert.equal(deleted.status, 204);

      const { body } = await overview(relay);
      const total = body.messages.reduce((a: number, b: number) => a + b, 0);
      assert.equal(total, 2 + 3 + 1 + 1);
      assert.equal(body.messages[slot(body, now - 120 * MINUTE)], 2);
      assert.ok(body.messages.slice(-2).reduce((a: number, b: number) => a + b, 0) >= 5, "this minute's (or the one before)");
      assert.deepEqual(body.rooms, [
        { room: 'lobby', messages: 6, online: 1 },
        { room: 'help', messages: 1, online: 2 },
      ]);
      assert.equal(body.openReports, 1);
    });

    test(`the busiest rooms: at most ${OVERVIEW_BUSIEST}, most messages first`, async (t) => {
      const relay = await relayFor(t);
      const now = Date.now();
      for (let room = 1; room <= OVERVIEW_BUSIEST + 2; room++) {
        for (let i = 0; i < room; i++) await planted(relay, `room-${room}`, now - i * MINUTE);
      }
      const { body } = await overview(relay);
      assert.deepEqual(
        body.rooms.map((r: { room: string; messages: number }) => `${r.room}:${r.messages}`),
        Array.from({ length: OVERVIEW_BUSIEST }, (_, i) => `room-${OVERVIEW_BUSIEST + 2 - i}:${OVERVIEW_BUSIEST + 2 - i}`),
      );
    });

    test("members online: each minute's sample, a member with two tabs once, the console not at all", async (t) => {
      const relay = await relayFor(t);
      const ann = await joined(t, relay.url, 'lobby', { name: 'ann', clientId: 'ann-browser-0001' });
      await joined(t, relay.url, 'help', { name: 'bob' });
      // Ann's second tab: the same browser, so the same member.
      const again = await joined(t, relay.url, 'help', { name: 'ann', clientId: 'ann-browser-0001' });
      assert.equal(again.ack.self.id, ann.ack.self.id);
      // The console, signed in and in a room as its admin: no member of the relay's audience.
      const console_ = await connect(t, relay.url, { console: await consoleTicket(relay) } as never);
      assert.equal((await request(console_, 'join', { room: 'lobby' })).self.id, 'admin');
      const minute = Math.floor(Date.now() / MINUTE) * MINUTE;
      await relay.app.onlineSamples.sample(minute);
      await relay.app.onlineSamples.sample(minute - 5 * MINUTE);
      const { body } = await overview(relay);
      assert.equal(body.online[slot(body, minute)], 2);
      assert.equal(body.online[slot(body, minute - 5 * MINUTE)], 2);
      assert.equal(body.online[slot(body, minute - 6 * MINUTE)], null, 'a minute no relay sampled');
      // Sampled again in the same minute (a timer late, a restart): replaced, not added.
      ann.socket.disconnect();
      again.socket.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await relay.app.onlineSamples.sample(minute);
      assert.equal((await overview(relay)).body.online[slot(body, minute)], 1);
    });
  });
}

test('members online across relays sharing PostgreSQL: each relay samples its own members, the overview sums them', { skip: skipWithoutPostgres }, async (t) => {
  const databaseUrl = await freshPostgres(t);
  const one = await startRelay(t, { adminApiKey: key, databaseUrl });
  const two = await startRelay(t, { adminApiKey: key, databaseUrl });
  await joined(t, one.url, 'lobby', { name: 'ann' });
  await joined(t, two.url, 'lobby', { name: 'bob' });
  await joined(t, two.url, 'lobby', { name: 'cat' });
  const minute = Math.floor(Date.now() / MINUTE) * MINUTE;
  await one.app.onlineSamples.sample(minute);
  await two.app.onlineSamples.sample(minute);
  for (const relay of [one, two]) {
    const { body } = await overview(relay);
    assert.equal(body.online[slot(body, minute)], 3, 'from either relay');
  }
  assert.notEqual(one.app.onlineSamples.relay, two.app.onlineSamples.relay);
});
