import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import type { HandshakeAuth } from '../../../protocol/index.js';
import type { Config } from '../../../server/config.js';
import { client } from '../attack-helpers.js';
import { spawnRelay } from '../cluster-helpers.js';
import { collect, msgId, request, sleep, startRelay, type Client } from '../helpers.js';
import { freshPostgres, redisUrl, skipWithoutBoth, skipWithoutPostgres } from '../services.js';

/**
 * Limits that hold against churn (PROTOCOL.md v3): every write a member makes
 * (send, edit, react, report) counts against RATE_LIMIT, the guest budget of
 * its network and slow mode, whatever names or clientIds a guest churns;
 * `paused` and `membersOnly` refuse edits and reactions as they refuse sends.
 */

const secret = 'write-limits-secret-at-least-32-chars';
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
const modToken = () => sign({ sub: 'u-mod', name: 'Mia', role: 'moderator' });
const memberToken = (sub = 'u-ann', name = 'Ann') => sign({ sub, name });

const attacker = '203.0.113.66';
const elsewhere = '198.51.100.7';
const ROOM = 'lobby';

/** Connected through a trusted proxy that says the client is at `address`, and joined to the room. */
async function joinedFrom(t: TestContext, url: string, address: string, auth: HandshakeAuth): Promise<Client> {
  const socket = await client(t, url, { auth, forwardedFor: address });
  const ack = await request(socket, 'join', { room: ROOM });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  return socket;
}

const send = (socket: Client, text = 'hello') => request(socket, 'send', { room: ROOM, text, clientMsgId: msgId() });
const edit = (socket: Client, seq: number, text: string) => request(socket, 'edit', { room: ROOM, seq, text });
const react = (socket: Client, seq: number, on: boolean) => request(socket, 'react', { room: ROOM, seq, emoji: '👍', on });
const report = (socket: Client, seq: number) => request(socket, 'report', { room: ROOM, seq });
const code = (ack: any) => ack.error?.code ?? 'ok';

/** How many acks were ok; every other one must be `rate_limited` with a retryAfterMs. */
function accepted(acks: any[]): number {
  for (const ack of acks.filter((a) => !a.ok)) {
    assert.equal(ack.error.code, 'rate_limited', JSON.stringify(ack));
    assert.ok(ack.error.retryAfterMs > 0, JSON.stringify(ack));
  }
  return acks.filter((a) => a.ok).length;
}

/**
 * `n` requests, 8 at a time: as fast as one connection may (MAX_PENDING_REQUESTS
 * refuses more at once, which is not the limit under test).
 */
async function burst(n: number, one: (i: number) => Promise<any>): Promise<any[]> {
  const acks: any[] = [];
  for (let i = 0; i < n; i += 8) acks.push(...(await Promise.all(Array.from({ length: Math.min(8, n - i) }, (_, k) => one(i + k)))));
  return acks;
}

/** A guest name and clientId never used before: what a churning guest brings on each connection. */
let churn = 0;
const churned = (): HandshakeAuth => ({ name: `g${++churn}`, clientId: `churned-client-${churn}-${randomBytes(3).toString('hex')}` });

const stores: Record<string, { skip: string | false; databaseUrl?: (t: TestContext) => Promise<string> }> = {
  sqlite: { skip: false },
  postgres: { skip: skipWithoutPostgres, databaseUrl: freshPostgres },
};

for (const [kind, { skip, databaseUrl }] of Object.entries(stores)) {
  describe(`every write counts, on ${kind}`, { skip }, () => {
    const relayFor = async (t: TestContext, overrides: Partial<Config> = {}) =>
      startRelay(t, { jwtSecret: secret, trustProxy: ['loopback'], ...(databaseUrl ? { databaseUrl: await databaseUrl(t) } : {}), ...overrides });

    test('RATE_LIMIT counts edits, reactions and reports with sends: refused past it with rate_limited, and nobody is told', async (t) => {
      const relay = await relayFor(t, { rateLimit: { points: 5, windowMs: 60_000 } });
      const ann = await joinedFrom(t, relay.url, attacker, { token: await memberToken() });
      const watcher = await joinedFrom(t, relay.url, elsewhere, { name: 'watcher' });
      const updated = collect(watcher, 'updated');
      const seq = (await send(ann)).message.seq;
      // One send and 20 edits at once: the allowance holds 4 more.
      const edits = await burst(20, (i) => edit(ann, seq, `edit ${i}`));
      assert.equal(accepted(edits), 4, 'send + edits = RATE_LIMIT');
      assert.equal(code(await react(ann, seq, true)), 'rate_limited', 'reactions draw on the same allowance');
      assert.equal(code(await report(ann, seq)), 'rate_limited', 'reports too');

      // Another member's own allowance: reactions toggled one after the other (each one changes the count).
      const bob = await joinedFrom(t, relay.url, elsewhere, { token: await memberToken('u-bob', 'Bob') });
      const toggles: any[] = [];
      for (let i = 0; i < 20; i++) toggles.push(await react(bob, seq, i % 2 === 0));
      assert.equal(accepted(toggles), 5);
      await sleep(200);
      assert.equal(updated.length, 4 + 5, 'only the accepted writes reached the room');
    });

    test('guests churning names and clientIds on one address share its budget for edits and reactions', async (t) => {
      const relay = await relayFor(t, { rateLimit: { points: 5, windowMs: 60_000 }, guestRateLimit: { points: 15, windowMs: 60_000 } });
      const host = await joinedFrom(t, relay.url, elsewhere, { name: 'host' });
      const target = (await send(host)).message.seq;

      // 20 fresh guest ids from one address, 5 reaction toggles each (within each id's own RATE_LIMIT).
      let reactions = 0;
      for (let i = 0; i < 20; i++) {
        const guest = await joinedFrom(t, relay.url, attacker, churned());
        reactions += accepted(await Promise.all(Array.from({ length: 5 }, (_, k) => react(guest, target, k % 2 === 0))));
        guest.disconnect();
      }
      assert.equal(reactions, 15, 'the address got GUEST_RATE_LIMIT reactions in all, not 5 per id');

      // Edits, on a fresh budget (another address of the same kind): 6 ids send one message each, then edit it.
      const other = '203.0.113.99';
      const guests: { socket: Client; seq: number }[] = [];
      for (let i = 0; i < 6; i++) {
        const socket = await joinedFrom(t, relay.url, other, churned());
        const sent = await send(socket, `mine ${i}`);
        assert.equal(sent.ok, true);
        guests.push({ socket, seq: sent.message.seq });
      }
      let edits = 0;
      for (const { socket, seq } of guests) edits += accepted(await Promise.all(Array.from({ length: 5 }, (_, k) => edit(socket, seq, `edit ${k}`))));
      assert.equal(edits, 15 - 6, 'the six sends and the edits share the 15 of the address');

      // A verified member at the same address keeps their own allowance.
      const member = await joinedFrom(t, relay.url, other, { token: await memberToken() });
      assert.equal(accepted(await Promise.all(Array.from({ length: 5 }, (_, k) => react(member, target, k % 2 === 0)))), 5);
    });

    test('slow mode holds per network for guests churning names and clientIds, and every write takes the turn', async (t) => {
      const relay = await relayFor(t);
      const mod = await joinedFrom(t, relay.url, elsewhere, { token: await modToken() });
      const author = await joinedFrom(t, relay.url, '198.51.100.20', { name: 'zoe' });
      const mine = (await send(author, 'mine')).message.seq;
      assert.equal((await request(mod, 'configure', { room: ROOM, settings: { slowModeSeconds: 60 } })).ok, true);

      // A new name and clientId for every message, from one address.
      const acks: any[] = [];
      for (let i = 0; i < 12; i++) acks.push(await send(await joinedFrom(t, relay.url, attacker, churned()), `churn ${i}`));
      assert.deepEqual(acks.map(code), ['ok', ...Array<string>(11).fill('slow_mode')], '1 of 12 through, not 12');
      for (const ack of acks.slice(1)) assert.ok(ack.error.retryAfterMs > 55_000 && ack.error.retryAfterMs <= 60_000, String(ack.error.retryAfterMs));
      // A verified member at that address has their own turn; another network is not held back.
      const member = await joinedFrom(t, relay.url, attacker, { token: await memberToken() });
      assert.equal(code(await send(member, 'mine')), 'ok');
      assert.equal(code(await send(member, 'again')), 'slow_mode');
      assert.equal(code(await send(await joinedFrom(t, relay.url, '198.51.100.21', churned()))), 'ok');

      // Edits, reactions and reports take the turn as a send does.
      assert.equal(code(await edit(author, mine, 'mine, edited')), 'ok');
      assert.equal(code(await react(author, mine, true)), 'slow_mode');
      assert.equal(code(await send(await joinedFrom(t, relay.url, '198.51.100.20', churned()))), 'slow_mode', 'for the network too');
      const reacter = await joinedFrom(t, relay.url, '198.51.100.22', churned());
      assert.equal(code(await react(reacter, mine, true)), 'ok');
      assert.equal(code(await edit(author, mine, 'again')), 'slow_mode');
      assert.equal(code(await send(reacter)), 'slow_mode');
      const reporter = await joinedFrom(t, relay.url, '198.51.100.23', churned());
      assert.equal(code(await report(reporter, mine)), 'ok');
      assert.equal(code(await react(reporter, mine, true)), 'slow_mode');
      // Moderators are exempt.
      for (let i = 0; i < 3; i++) assert.equal(code(await send(mod, `mod ${i}`)), 'ok');
    });

    test('paused refuses non-moderators\' edits and reactions; membersOnly refuses guests\'; reports stay open', async (t) => {
      const relay = await relayFor(t);
      const mod = await joinedFrom(t, relay.url, elsewhere, { token: await modToken() });
      const guest = await joinedFrom(t, relay.url, attacker, { name: 'gus' });
      const member = await joinedFrom(t, relay.url, '198.51.100.30', { token: await memberToken() });
      const guestSeq = (await send(guest, 'by a guest')).message.seq;
      const memberSeq = (await send(member, 'by a member')).message.seq;
      const modSeq = (await send(mod, 'by a moderator')).message.seq;
      const updated = collect(mod, 'updated');
      const configure = async (settings: object) => assert.equal((await request(mod, 'configure', { room: ROOM, settings })).ok, true);

      await configure({ paused: true });
      assert.equal(code(await edit(guest, guestSeq, 'changed')), 'paused');
      assert.equal(code(await react(guest, modSeq, true)), 'paused');
      assert.equal(code(await edit(member, memberSeq, 'changed')), 'paused');
      assert.equal(code(await react(member, modSeq, true)), 'paused');
      assert.equal(code(await edit(mod, modSeq, 'moderators may')), 'ok');
      assert.equal(code(await react(mod, guestSeq, true)), 'ok');
      assert.equal(code(await report(guest, memberSeq)), 'ok', 'a report still reaches the moderators');

      await configure({ paused: false, membersOnly: true });
      assert.equal(code(await edit(guest, guestSeq, 'changed')), 'members_only');
      assert.equal(code(await react(guest, modSeq, true)), 'members_only');
      assert.equal(code(await edit(member, memberSeq, 'changed')), 'ok');
      assert.equal(code(await react(member, modSeq, true)), 'ok');
      assert.equal(code(await report(guest, modSeq)), 'ok');
      await sleep(200);
      assert.deepEqual(updated.map((m) => m.seq), [modSeq, guestSeq, memberSeq, modSeq], 'nothing refused was told');
    });
  });
}

describe('every write counts across relays', { skip: skipWithoutBoth }, () => {
  async function pair(t: TestContext, env: Record<string, string> = {}) {
    const shared = {
      DATABASE_URL: await freshPostgres(t),
      REDIS_URL: redisUrl!,
      REDIS_PREFIX: `test-${randomBytes(5).toString('hex')}`,
      JWT_SECRET: secret,
      TRUST_PROXY: 'loopback',
      ...env,
    };
    const [a, b] = await Promise.all([spawnRelay(t, shared), spawnRelay(t, shared)]);
    return [a!, b!] as const;
  }

  test('edits and reactions draw on one allowance per member and per guest address, whichever relay they reach', async (t) => {
    const [a, b] = await pair(t, { RATE_LIMIT: '5/1m', GUEST_RATE_LIMIT: '15/1m' });
    const host = await joinedFrom(t, a.url, elsewhere, { name: 'host' });
    const target = (await send(host)).message.seq;

    // One member, a tab on each relay, editing as fast as allowed.
    const ann = [await joinedFrom(t, a.url, elsewhere, { token: await memberToken() }), await joinedFrom(t, b.url, elsewhere, { token: await memberToken() })];
    const seq = (await send(ann[0]!)).message.seq;
    const edits = await burst(20, (i) => edit(ann[i % 2]!, seq, `edit ${i}`));
    assert.equal(accepted(edits), 4, 'one allowance across relays');

    // Churned guest ids of one address, alternating relays.
    let reactions = 0;
    for (let i = 0; i < 20; i++) {
      const guest = await joinedFrom(t, (i % 2 ? b : a).url, attacker, churned());
      reactions += accepted(await Promise.all(Array.from({ length: 5 }, (_, k) => react(guest, target, k % 2 === 0))));
      guest.disconnect();
    }
    assert.equal(reactions, 15, 'one address budget across relays');
  });

  test('slow mode holds per network across relays, whatever names, clientIds and writes a guest churns', async (t) => {
    const [a, b] = await pair(t);
    const mod = await joinedFrom(t, a.url, elsewhere, { token: await modToken() });
    const target = (await send(mod, 'react to me')).message.seq;
    assert.equal((await request(mod, 'configure', { room: ROOM, settings: { slowModeSeconds: 60 } })).ok, true);
    const acks: any[] = [];
    for (let i = 0; i < 12; i++) acks.push(await send(await joinedFrom(t, (i % 2 ? b : a).url, attacker, churned()), `churn ${i}`));
    assert.deepEqual(acks.map(code), ['ok', ...Array<string>(11).fill('slow_mode')], '1 of 12 through, not 12');
    // A reaction on one relay takes the turn of a send on the other.
    const other = '203.0.113.70';
    assert.equal(code(await react(await joinedFrom(t, a.url, other, churned()), target, true)), 'ok');
    assert.equal(code(await send(await joinedFrom(t, b.url, other, churned()))), 'slow_mode');
  });
});
