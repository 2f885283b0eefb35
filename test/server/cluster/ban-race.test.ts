import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { spawnRelay, startProxy } from '../cluster-helpers.js';
import { connect, msgId, type Client } from '../helpers.js';
import { freshPostgres, postgresUrl, redisUrl, skipWithoutBoth } from '../services.js';

const secret = 'a-test-secret-that-is-at-least-32-chars';
const MEMBERS = 30;
/** Joins here wait on many slow round trips: a generous ack timeout. */
const slow = (socket: Client, event: string, payload: object) => (socket.timeout(20_000) as any).emitWithAck(event, payload);

/**
 * A join whose ban check ran just before the ban was written must not get in
 * after the ban emptied the room: on PostgreSQL, where every check is a round
 * trip and the eviction crosses to the other relay through Redis, some of
 * the members joining while being banned used to keep sending (4 of 200
 * in an outside review; here a slow link to PostgreSQL makes it every time).
 */
describe('bans racing joins on PostgreSQL, with two relays', { skip: skipWithoutBoth }, () => {
  test('every member banned while joining is out of the room: none can send', async (t) => {
    const database = await freshPostgres(t);
    const env = { JWT_SECRET: secret, DATABASE_URL: database, REDIS_URL: redisUrl!, REDIS_PREFIX: `race-${randomBytes(4).toString('hex')}`, MAX_CONNECTIONS_PER_IP: '0' };
    // The members' relay hears PostgreSQL's answers 50 ms late: its join
    // checks read the bans before the moderator's relay writes them, and
    // learn the answer after the eviction has already come through Redis.
    const target = new URL(postgresUrl!);
    const distant = await startProxy(t, { host: target.hostname, port: Number(target.port || 5432) }, { delayMs: 50 });
    const viaProxy = new URL(database);
    viaProxy.host = `127.0.0.1:${distant.port}`;
    const [relay, other] = await Promise.all([spawnRelay(t, env), spawnRelay(t, { ...env, DATABASE_URL: viaProxy.toString() })]);
    const token = await new SignJWT({ sub: 'mod', name: 'Mia', role: 'moderator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    const mod = await connect(t, relay.url, { token });
    assert.equal((await slow(mod, 'join', { room: 'stage' })).ok, true);
    const members = await Promise.all(
      Array.from({ length: MEMBERS }, async (_, i) => {
        // Not `m${i}`: `m14` reads `mia` (look-alike digits), the moderator's name, which no guest may take.
        const socket = await connect(t, other.url, { name: `racer ${i}`, clientId: `race-client-${i}` });
        // Their id, from a join elsewhere.
        const { self } = await slow(socket, 'join', { room: 'lobby' });
        return { socket, id: self.id as string };
      }),
    );
    // Each member joins while the moderator bans them.
    await Promise.all(
      members.map(({ socket, id }) =>
        Promise.all([slow(socket, 'join', { room: 'stage' }), slow(mod, 'ban', { room: 'stage', memberId: id, minutes: 5 })]),
      ),
    );
    const sends = await Promise.all(members.map(({ socket }) => slow(socket, 'send', { room: 'stage', text: 'still here', clientMsgId: msgId() })));
    const through = sends.filter((ack) => ack.ok).length;
    assert.equal(through, 0, `${through} of ${MEMBERS} banned members could still send`);
  });
});
