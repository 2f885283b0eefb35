import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import type { HandshakeAuth } from '../../../protocol/index.js';
import type { Config } from '../../../server/config.js';
import { ANSWER_BYTES_PER_CONNECTION, ANSWER_BYTES_PER_GUEST_ADDRESS } from '../../../server/socket/answer-budget.js';
import { client } from '../attack-helpers.js';
import { request, startRelay, type Relay } from '../helpers.js';
import { freshPostgres, skipWithoutPostgres } from '../services.js';

/**
 * What a join costs (PROTOCOL.md v3, "Limits that hold against churn"):
 * `changed` never repeats a message the answer carries, and the bytes of
 * join and history answers count against a budget per connection and per
 * guest address, so re-joining with `sinceRev: 0` in a loop is refused
 * while everyone else's joins are answered.
 */

const secret = 'test-secret-that-is-at-least-32-chars!';
const memberToken = (sub: string) =>
  new SignJWT({ sub, name: sub }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));

const from = (t: TestContext, url: string, address: string, auth: HandshakeAuth = { name: 'someone' }) => client(t, url, { auth, forwardedFor: address });

/** A room of `count` messages of `length` characters, written straight to the store (no limit to go through). */
async function fill(relay: Relay, room: string, count: number, length: number) {
  const author = { id: 'filler', name: 'Filler', verified: true };
  for (let i = 1; i <= count; i++) {
    await relay.app.store.append({ room, text: `${i} `.padEnd(length, 'x'), author, clientMsgId: `fill-${i}`, ts: Date.now() });
  }
}

const stores: Record<string, { skip: string | false; databaseUrl?: (t: TestContext) => Promise<string> }> = {
  sqlite: { skip: false },
  postgres: { skip: skipWithoutPostgres, databaseUrl: freshPostgres },
};

for (const [kind, { skip, databaseUrl }] of Object.entries(stores)) {
  describe(`join costs on ${kind}`, { skip }, () => {
    const relayFor = async (t: TestContext, overrides: Partial<Config> = {}) =>
      startRelay(t, {
        jwtSecret: secret,
        trustProxy: ['loopback'],
        rateLimit: { points: 10, windowMs: 10_000 },
        ...(databaseUrl ? { databaseUrl: await databaseUrl(t) } : {}),
        ...overrides,
      });

    test('changed never repeats a message of the same answer, whatever since, limit and sinceRev', async (t) => {
      const relay = await relayFor(t, { rateLimit: undefined });
      await fill(relay, 'r', 60, 20);
      // Changes all over the room: old, middle, newest.
      for (const seq of [1, 5, 30, 55, 59, 60]) await relay.app.store.edit('r', seq, `edited ${seq}`, Date.now());
      await relay.app.store.markDeleted('r', 58);
      const socket = await from(t, relay.url, '198.51.100.1');
      for (const ask of [
        { limit: 10, sinceRev: 0 },
        { limit: 200, sinceRev: 0 },
        { limit: 10, sinceRev: 30 },
        { since: 0, limit: 10, sinceRev: 0 },
        { since: 20, limit: 10, sinceRev: 0 },
        { since: 55, sinceRev: 0 },
        { since: 60, sinceRev: 0 },
        { since: 500, sinceRev: 0 },
        { limit: 10, sinceRev: 0 }, // again: answered from the cache
      ]) {
        const ack = await request(socket, 'join', { room: 'r', ...ask });
        assert.equal(ack.ok, true, JSON.stringify(ack));
        const carried = new Set(ack.messages.map((m: { seq: number }) => m.seq));
        const repeated = (ack.changed ?? []).filter((m: { seq: number }) => carried.has(m.seq)).map((m: { seq: number }) => m.seq);
        assert.deepEqual(repeated, [], `${JSON.stringify(ask)}: changed repeats messages`);
        if (ask.limit === 10 && ask.since === undefined && ask.sinceRev === 0) {
          assert.deepEqual(ack.changed.map((m: { seq: number }) => m.seq).sort((a: number, b: number) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
        }
      }
    });

    test('re-joining with sinceRev 0 in a loop is refused rate_limited past the connection\'s byte budget; a plain client\'s join is answered', async (t) => {
      const relay = await relayFor(t);
      await fill(relay, 'big', 800, 1000);
      const looping = await from(t, relay.url, '203.0.113.66');
      // Each answer is 200 messages and 500 changed, about 700 KB.
      const perJoin = 700 * 1000;
      const allowed = Math.ceil(ANSWER_BYTES_PER_CONNECTION.points / perJoin) + 1;
      let answered = 0;
      let refusal;
      for (let i = 0; i < 30 && !refusal; i++) {
        const ack = await request(looping, 'join', { room: 'big', limit: 200, sinceRev: 0 });
        if (ack.ok) answered++;
        else refusal = ack.error;
      }
      assert.ok(refusal, `refused once past the budget (answered ${answered})`);
      assert.equal(refusal.code, 'rate_limited');
      assert.ok(refusal.retryAfterMs > 0 && refusal.retryAfterMs <= ANSWER_BYTES_PER_CONNECTION.windowMs, JSON.stringify(refusal));
      assert.ok(answered >= 1 && answered <= allowed, `answered ${answered}, at most ${allowed}`);
      // history is an answer of the same kind: refused too.
      assert.equal((await request(looping, 'history', { room: 'big', before: 800, limit: 200 })).error?.code, 'rate_limited');

      // Someone else, on another network, joins the same room at once.
      const plain = await from(t, relay.url, '198.51.100.7');
      const ack = await request(plain, 'join', { room: 'big', limit: 200 });
      assert.equal(ack.ok, true, JSON.stringify(ack));
      assert.equal(ack.messages.length, 200);
    });

    test('fresh connections from one guest address share its byte budget; a verified member there keeps their own', async (t) => {
      const relay = await relayFor(t);
      await fill(relay, 'big', 800, 1000);
      let answered = 0;
      let refusedAtOnce = false;
      for (let i = 0; i < 40 && !refusedAtOnce; i++) {
        const guest = await from(t, relay.url, '203.0.113.66', { name: `churn${i}`, clientId: `churned-client-${i}` });
        // Each fresh connection re-joins until it is refused.
        for (let j = 0; j < 10; j++) {
          const ack = await request(guest, 'join', { room: 'big', limit: 200, sinceRev: 0 });
          if (!ack.ok) {
            assert.equal(ack.error.code, 'rate_limited');
            refusedAtOnce = j === 0;
            break;
          }
          answered++;
        }
        guest.disconnect();
      }
      assert.ok(refusedAtOnce, 'a fresh connection from the address is refused at once');
      assert.ok(answered <= Math.ceil(ANSWER_BYTES_PER_GUEST_ADDRESS.points / (700 * 1000)) + 1, `answered ${answered}`);
      const member = await from(t, relay.url, '203.0.113.66', { token: await memberToken('u-ann') });
      assert.equal((await request(member, 'join', { room: 'big', limit: 200, sinceRev: 0 })).ok, true);
    });
  });
}
