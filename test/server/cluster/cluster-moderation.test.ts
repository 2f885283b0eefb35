import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import { REPORTS_PER_GUEST_ADDRESS, REPORTS_PER_MEMBER, type HandshakeAuth } from '../../../protocol/index.js';
import { client } from '../attack-helpers.js';
import { spawnRelay } from '../cluster-helpers.js';
import { collect, connect, msgId, next, request, sleep, type Client } from '../helpers.js';
import { freshPostgres, redisUrl, skipWithoutBoth } from '../services.js';

/** Moderation v2 across two relay processes sharing real PostgreSQL and Redis: what one relay is told, the other applies at once. */

const secret = 'cluster-secret-cluster-secret-32!';
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));

async function pair(t: TestContext, more: Record<string, string> = {}) {
  const env = {
    ...more,
    DATABASE_URL: await freshPostgres(t),
    REDIS_URL: redisUrl!,
    REDIS_PREFIX: `test-${randomBytes(5).toString('hex')}`,
    JWT_SECRET: secret,
    TRUST_PROXY: 'loopback',
  };
  const [a, b] = await Promise.all([spawnRelay(t, env), spawnRelay(t, env)]);
  return { a: a!, b: b! };
}

/** Connected through a trusted proxy that says the client is at `address`. */
const from = (t: TestContext, url: string, address: string, auth: HandshakeAuth) => client(t, url, { auth, forwardedFor: address });

const send = (socket: Client, text: string) => request(socket, 'send', { room: 'r', text, clientMsgId: msgId() });
const code = async (reply: Promise<any>) => (await reply).error?.code ?? 'ok';

describe('moderation across relays', { skip: skipWithoutBoth }, () => {
  test('settings changed on one relay apply on the other at once; slow mode, reports and room events span relays', async (t) => {
    const { a, b } = await pair(t);
    const mod = await connect(t, a.url, { token: await sign({ sub: 'mod', name: 'Mod', role: 'moderator' }) });
    await request(mod, 'join', { room: 'r' });
    const modOnB = await connect(t, b.url, { token: await sign({ sub: 'mod2', name: 'Mod2', role: 'moderator', rooms: ['r'] }) });
    // Guests of three networks: guests of one network share its slow-mode turn.
    const guestOnB = await from(t, b.url, '198.51.100.11', { name: 'gus' });
    await request(guestOnB, 'join', { room: 'r' });
    const guestOnA = await from(t, a.url, '198.51.100.12', { name: 'ann' });
    await request(guestOnA, 'join', { room: 'r' });

    const told = next(guestOnB, 'room');
    await request(mod, 'configure', { room: 'r', settings: { paused: true } });
    assert.equal(await code(send(guestOnB, 'paused at once')), 'paused', 'no wait between the relays');
    assert.equal((await told).settings.paused, true, 'room reaches the other relay');

    await request(mod, 'configure', { room: 'r', settings: { paused: false, blockedWords: ['spam'], slowModeSeconds: 30 } });
    assert.equal(await code(send(guestOnB, 's p a m')), 'blocked');
    assert.equal(await code(send(guestOnB, 'hello')), 'ok');
    const sameOnA = await from(t, a.url, '198.51.100.13', { name: 'ann2' });
    await request(sameOnA, 'join', { room: 'r' });

    // Reports from relay A reach the room's moderator on relay B.
    const reports = collect(modOnB, 'report');
    const message = (await send(sameOnA, 'report me')).message;
    await request(guestOnA, 'report', { room: 'r', seq: message.seq, reason: 'rude' });
    await sleep(300);
    assert.deepEqual(reports.map((r) => [r.reporter.name, r.count, r.reason]), [['ann', 1, 'rude']]);

    // Settings read on relay B are those written through relay A.
    const joinedOnB = await request(modOnB, 'join', { room: 'r' });
    assert.deepEqual(joinedOnB.settings.blockedWords, ['spam']);
    assert.equal(joinedOnB.settings.slowModeSeconds, 30);
  });

  test('report allowances hold across relays: per member over two tabs, per guest address over churned ids', async (t) => {
    const { a, b } = await pair(t, { RATE_LIMIT: '1000/10s' });
    const mod = await connect(t, a.url, { token: await sign({ sub: 'mod', name: 'Mod', role: 'moderator' }) });
    await request(mod, 'join', { room: 'r' });
    const seqs: number[] = [];
    for (let i = 0; i < REPORTS_PER_GUEST_ADDRESS.points + 10; i++) seqs.push((await request(mod, 'send', { room: 'r', text: `m${i}`, clientMsgId: msgId() })).message.seq);
    const report = (socket: Client, seq: number) => code(request(socket, 'report', { room: 'r', seq }));

    // One guest, a tab on each relay: REPORTS_PER_MEMBER in all.
    const tabs = [await from(t, a.url, '203.0.113.66', { name: 'flood', clientId: 'flooding-tabs' }), await from(t, b.url, '203.0.113.66', { name: 'flood', clientId: 'flooding-tabs' })];
    for (const tab of tabs) await request(tab, 'join', { room: 'r' });
    const byTabs = [];
    for (const [i, seq] of seqs.slice(0, 30).entries()) byTabs.push(await report(tabs[i % 2]!, seq));
    assert.equal(byTabs.filter((c) => c === 'ok').length, REPORTS_PER_MEMBER.points);
    assert.ok(byTabs.slice(REPORTS_PER_MEMBER.points).every((c) => c === 'rate_limited'));

    // New guest ids from that address, on either relay: REPORTS_PER_GUEST_ADDRESS in all.
    let accepted = REPORTS_PER_MEMBER.points;
    for (let i = 0; i < 4; i++) {
      const guest = await from(t, [a, b][i % 2]!.url, '203.0.113.66', { name: `churn${i}`, clientId: `churned-id-${i}` });
      await request(guest, 'join', { room: 'r' });
      for (const seq of seqs) if ((await report(guest, seq)) === 'ok') accepted++;
    }
    assert.equal(accepted, REPORTS_PER_GUEST_ADDRESS.points);
  });

  test('slow mode holds for one member across relays', async (t) => {
    const { a, b } = await pair(t);
    const mod = await connect(t, a.url, { token: await sign({ sub: 'mod', name: 'Mod', role: 'moderator' }) });
    await request(mod, 'configure', { room: 'r', settings: { slowModeSeconds: 30 } });
    const tabA = await connect(t, a.url, { name: 'alice', clientId: 'alice-browser' });
    const tabB = await connect(t, b.url, { name: 'alice', clientId: 'alice-browser' });
    await request(tabA, 'join', { room: 'r' });
    await request(tabB, 'join', { room: 'r' });
    assert.equal(await code(send(tabA, 'one')), 'ok');
    const refused = await send(tabB, 'two');
    assert.equal(refused.error?.code, 'slow_mode');
    assert.ok(refused.error.retryAfterMs > 25_000, String(refused.error.retryAfterMs));
  });

  test('a ban on one relay refuses guests from the address on the other, and takes out those already there', async (t) => {
    const { a, b } = await pair(t);
    const mod = await connect(t, a.url, { token: await sign({ sub: 'mod', name: 'Mod', role: 'moderator' }) });
    const troll = await from(t, a.url, '198.51.100.4', { name: 'troll' });
    const trollId = (await request(troll, 'join', { room: 'r' })).self.id;
    const sibling = await from(t, b.url, '198.51.100.4', { name: 'sibling' });
    await request(sibling, 'join', { room: 'r' });
    const siblingBanned = next(sibling, 'banned');
    assert.deepEqual(await request(mod, 'ban', { room: 'r', memberId: trollId, minutes: 5, reason: 'spam' }), { ok: true });
    assert.equal((await siblingBanned).reason, 'spam');
    const fresh = await from(t, b.url, '198.51.100.4', { name: 'new-name', clientId: 'new-browser' });
    assert.equal(await code(request(fresh, 'join', { room: 'r' })), 'banned');
    const member = await from(t, b.url, '198.51.100.4', { token: await sign({ sub: 'u1', name: 'Ann' }) });
    assert.equal(await code(request(member, 'join', { room: 'r' })), 'ok');
  });
});
