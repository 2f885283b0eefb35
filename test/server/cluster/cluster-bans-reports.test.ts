import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import pg from 'pg';
import { spawnRelay } from '../cluster-helpers.js';
import { collect, connect, msgId, next, request, sleep } from '../helpers.js';
import { freshPostgres, redisUrl, skipWithoutBoth } from '../services.js';

/**
 * PROTOCOL.md v3, "Bans and reports as people see them", across two relay
 * processes sharing PostgreSQL and Redis: the relay holding a banned
 * member's connection tells it `unbanned`, whichever relay lifted the ban
 * or none (its time ran out); a report resolved on one relay is told to the
 * moderators on the other.
 */

const secret = 'cluster-secret-cluster-secret-32!';
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));

async function pair(t: TestContext) {
  const databaseUrl = await freshPostgres(t);
  const env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl!, REDIS_PREFIX: `test-${randomBytes(5).toString('hex')}`, JWT_SECRET: secret };
  const [a, b] = await Promise.all([spawnRelay(t, env), spawnRelay(t, env)]);
  return { a: a!, b: b!, databaseUrl };
}

describe('bans and reports across relays (v3)', { skip: skipWithoutBoth }, () => {
  test('a ban lifted on one relay is told on the other, to the tab it took out and to the tab reading', async (t) => {
    const { a, b } = await pair(t);
    const mod = await connect(t, a.url, { token: await sign({ sub: 'mod', name: 'Mod', role: 'moderator' }) });
    await request(mod, 'join', { room: 'r' });
    const bobToken = await sign({ sub: 'u-bob', name: 'Bob' });
    const bob = await connect(t, b.url, { token: bobToken });
    await request(bob, 'join', { room: 'r' });

    const banned = next(bob, 'banned');
    assert.deepEqual(await request(mod, 'ban', { room: 'r', memberId: 'u-bob', minutes: 30, reason: 'flood' }), { ok: true });
    const { until } = await banned;
    const reader = await connect(t, b.url, { token: bobToken });
    assert.deepEqual((await request(reader, 'join', { room: 'r', readOnly: true })).banned, { until, reason: 'flood' });
    const heard = next(reader, 'message');
    await request(mod, 'send', { room: 'r', text: 'from relay A', clientMsgId: msgId() });
    assert.equal((await heard).text, 'from relay A', 'a reader on relay B gets what is sent on relay A');
    assert.equal((await request(reader, 'send', { room: 'r', text: 'no', clientMsgId: msgId() })).error.code, 'banned');

    const evictedTab = next(bob, 'unbanned');
    const readerTab = next(reader, 'unbanned');
    assert.deepEqual(await request(mod, 'unban', { room: 'r', memberId: 'u-bob' }), { ok: true });
    assert.deepEqual(await evictedTab, { room: 'r' });
    assert.deepEqual(await readerTab, { room: 'r' });
    assert.equal((await request(reader, 'send', { room: 'r', text: 'back', clientMsgId: msgId() })).ok, true);
  });

  test('a ban whose time runs out is told by the relay holding the connection', async (t) => {
    const { b, databaseUrl } = await pair(t);
    // Bans take a minute at least: this one is written short, straight into the shared database.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    t.after(() => db.end());
    const now = Date.now();
    const mod = { id: 'mod', name: 'Mod', verified: true, role: 'moderator' };
    await db.query('INSERT INTO room_bans (room, member_id, member, until, reason, by_member, ts) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      'r',
      'u-eve',
      { id: 'u-eve', name: 'Eve', verified: true },
      now + 1500,
      'cool off',
      mod,
      now,
    ]);
    const eve = await connect(t, b.url, { token: await sign({ sub: 'u-eve', name: 'Eve' }) });
    const refused = await request(eve, 'join', { room: 'r' });
    assert.deepEqual([refused.error.code, refused.error.until, refused.error.reason], ['banned', now + 1500, 'cool off']);
    assert.deepEqual(await next(eve, 'unbanned', 5000), { room: 'r' });
    assert.ok(Date.now() >= now + 1500);
    assert.equal((await request(eve, 'join', { room: 'r' })).ok, true);
  });

  test('a report resolved on one relay is told to the moderators on the other, once', async (t) => {
    const { a, b } = await pair(t);
    const mod = await connect(t, a.url, { token: await sign({ sub: 'mod', name: 'Mod', role: 'moderator' }) });
    await request(mod, 'join', { room: 'r' });
    const modOnB = await connect(t, b.url, { token: await sign({ sub: 'mod2', name: 'Mod2', role: 'moderator', rooms: ['r'] }) });
    const ann = await connect(t, b.url, { name: 'ann' });
    await request(ann, 'join', { room: 'r' });
    const sent = await request(ann, 'send', { room: 'r', text: 'spam', clientMsgId: msgId() });
    await request(ann, 'report', { room: 'r', seq: sent.message.seq });
    const resolved = collect(modOnB, 'reportResolved');
    assert.deepEqual(await request(mod, 'resolve', { room: 'r', seq: sent.message.seq }), { ok: true });
    assert.deepEqual(await request(modOnB, 'resolve', { room: 'r', seq: sent.message.seq }), { ok: true }, 'already resolved: no error');
    await sleep(500);
    assert.deepEqual(
      resolved.map((e) => [e.seq, e.how, e.by.name]),
      [[sent.message.seq, 'dismissed', 'Mod']],
    );
  });
});
