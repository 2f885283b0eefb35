import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import type { HandshakeAuth } from '../../../protocol/index.js';
import type { Config } from '../../../server/config.js';
import { client } from '../attack-helpers.js';
import { collect, connect, joined, msgId, next, request, sleep, startRelay, type Client, type Relay } from '../helpers.js';
import { freshPostgres, skipWithoutPostgres } from '../services.js';

/**
 * PROTOCOL.md v3, "Bans and reports as people see them": a banned member
 * reads (`join { readOnly }`) and is told when the ban is over
 * (`unbanned`); one report state for every moderator (`resolve`,
 * `reportResolved`), resolved too by deleting the message or banning its
 * author.
 */

const secret = 'test-secret-that-is-at-least-32-chars!';
const key = 'admin-key-for-bans-and-reports';
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
const modToken = (sub = 'u-mod', name = 'Mia') => sign({ sub, name, role: 'moderator' });

const send = (socket: Client, room: string, text: string) => request(socket, 'send', { room, text, clientMsgId: msgId() });
const code = async (reply: Promise<any>) => (await reply).error?.code ?? 'ok';
const from = (t: TestContext, url: string, address: string, auth: HandshakeAuth) => client(t, url, { auth, forwardedFor: address });

async function api(relay: Relay, method: string, path: string, body?: unknown) {
  const response = await fetch(`${relay.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: response.status === 204 ? undefined : await response.json() };
}

const stores: Record<string, { skip: string | false; databaseUrl?: (t: TestContext) => Promise<string> }> = {
  sqlite: { skip: false },
  postgres: { skip: skipWithoutPostgres, databaseUrl: freshPostgres },
};

for (const [kind, { skip, databaseUrl }] of Object.entries(stores)) {
  describe(`bans and reports as people see them (v3) on ${kind}`, { skip }, () => {
    const relayFor = async (t: TestContext, overrides: Partial<Config> = {}) =>
      startRelay(t, { jwtSecret: secret, adminApiKey: key, ...(databaseUrl ? { databaseUrl: await databaseUrl(t) } : {}), ...overrides });

    test('a banned member is refused with until and reason, reads with readOnly, and every write is refused banned', async (t) => {
      const relay = await relayFor(t);
      const mod = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const bob = await joined(t, relay.url, 'lobby', { name: 'bob', clientId: 'bob-browser-1' });
      await send(bob.socket, 'lobby', 'buy my stuff');
      const before = Date.now();
      const told = next(bob.socket, 'banned');
      assert.deepEqual(await request(mod.socket, 'ban', { room: 'lobby', memberId: bob.ack.self.id, minutes: 5, reason: 'spam' }), { ok: true });
      const { until } = await told;

      const refused = await request(bob.socket, 'join', { room: 'lobby' });
      assert.equal(refused.ok, false);
      assert.equal(refused.error.code, 'banned');
      assert.equal(refused.error.until, until, 'the join error says until when');
      assert.equal(refused.error.reason, 'spam', 'and why');
      assert.ok(until >= before + 5 * 60_000 - 1000 && refused.error.retryAfterMs > 4 * 60_000);

      // Reloaded: a new connection, read-only.
      const reader = await connect(t, relay.url, { name: 'bob', clientId: 'bob-browser-1' });
      await sleep(200); // the joins so far announced
      const presence = collect(mod.socket, 'presence');
      const read = await request(reader, 'join', { room: 'lobby', readOnly: true });
      assert.equal(read.ok, true);
      assert.deepEqual(read.banned, { until, reason: 'spam' });
      assert.deepEqual(read.messages.map((m: any) => m.text), ['buy my stuff']);
      assert.equal(read.count, 1, 'a banned reader is not counted online');
      assert.ok(!read.members.some((m: any) => m.id === bob.ack.self.id));

      const heard = next(reader, 'message');
      await send(mod.socket, 'lobby', 'welcome all');
      assert.equal((await heard).text, 'welcome all', 'the reader gets the room’s messages');
      assert.equal((await request(reader, 'history', { room: 'lobby', before: 2 })).messages.length, 1, 'and its history');

      for (const [event, payload] of [
        ['send', { room: 'lobby', text: 'let me back', clientMsgId: msgId() }],
        ['edit', { room: 'lobby', seq: 1, text: 'edited' }],
        ['react', { room: 'lobby', seq: 2, emoji: '👍', on: true }],
        ['report', { room: 'lobby', seq: 2 }],
        ['typing', { room: 'lobby', typing: true }],
      ] as const) {
        assert.equal(await code(request(reader, event, payload)), 'banned', `${event} is refused banned`);
      }
      await sleep(100);
      assert.deepEqual(presence, [], 'nobody was told the reader arrived');

      // A member who is not banned and asks readOnly joins as usual.
      const carol = await connect(t, relay.url, { token: await sign({ sub: 'u-carol', name: 'Carol' }) }); // a guest would be refused by bob's address
      const carolJoin = await request(carol, 'join', { room: 'lobby', readOnly: true });
      assert.equal(carolJoin.banned, undefined);
      assert.equal(await code(send(carol, 'lobby', 'hello')), 'ok');
      assert.equal(await code(request(carol, 'join', { room: 'lobby', readOnly: 'yes' })), 'invalid_payload');
    });

    test('unban: the member is told unbanned on every tab, the reader may write at once, the ban list is empty', async (t) => {
      const relay = await relayFor(t);
      const mod = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const bob = await joined(t, relay.url, 'lobby', { name: 'bob', clientId: 'bob-browser-2' });
      await request(mod.socket, 'ban', { room: 'lobby', memberId: bob.ack.self.id, minutes: 60 });
      const reader = await connect(t, relay.url, { name: 'bob', clientId: 'bob-browser-2' });
      assert.ok((await request(reader, 'join', { room: 'lobby', readOnly: true })).banned);
      // A guest of bob's address (127.0.0.1, as every client here) is refused by the address ban, and told when it is lifted.
      const dave = await connect(t, relay.url, { name: 'dave' });
      assert.equal(await code(request(dave, 'join', { room: 'lobby' })), 'banned');
      // A verified member in the room was never banned: nothing to tell her.
      const carol = await joined(t, relay.url, 'lobby', { token: await sign({ sub: 'u-carol', name: 'Carol' }) });

      await sleep(200); // the joins so far announced
      const evictedTab = next(bob.socket, 'unbanned');
      const readerTab = next(reader, 'unbanned');
      const daveFree = next(dave, 'unbanned');
      const toCarol = collect(carol.socket, 'unbanned');
      const arrived = next(mod.socket, 'presence');
      assert.deepEqual(await request(mod.socket, 'unban', { room: 'lobby', memberId: bob.ack.self.id }), { ok: true });
      assert.deepEqual(await evictedTab, { room: 'lobby' }, 'the tab the ban took out of the room');
      assert.deepEqual(await readerTab, { room: 'lobby' }, 'the tab reading');
      assert.deepEqual((await arrived).joined.map((m: any) => m.name), ['bob'], 'the reader is back among the members');
      assert.equal(await code(send(reader, 'lobby', 'thanks')), 'ok', 'and may write without joining again');
      assert.deepEqual(await daveFree, { room: 'lobby' }, 'the guest the address ban refused');
      await sleep(300);
      assert.deepEqual(toCarol, [], 'a member who was not banned is told nothing');
      assert.equal(relay.app.sockets.bans.size, 0, 'nothing left watched');

      // The admin API's unban tells too.
      await request(mod.socket, 'ban', { room: 'lobby', memberId: bob.ack.self.id, minutes: 60 });
      const again = next(reader, 'unbanned');
      assert.equal((await api(relay, 'DELETE', `/api/rooms/lobby/bans/${encodeURIComponent(bob.ack.self.id)}`)).status, 204);
      assert.deepEqual(await again, { room: 'lobby' });
    });

    test('a ban whose time runs out while connected: unbanned then, from one timer; a ban renewed meanwhile holds', async (t) => {
      const relay = await relayFor(t, { trustProxy: ['loopback'] });
      const { store } = relay.app;
      const mia = { id: 'u-mod', name: 'Mia', verified: true, role: 'moderator' as const };
      const bobMember = { id: 'u-bob', name: 'Bob', verified: true };
      const eveMember = { id: 'u-eve', name: 'Eve', verified: true };
      // Bans take a minute at least: these are written short, straight into the store.
      const now = Date.now();
      await store.ban('lobby', { member: bobMember, until: now + 1200, reason: 'cool off', by: mia, ts: now }, ['203.0.113.7']);
      await store.ban('lobby', { member: eveMember, until: now + 1200, by: mia, ts: now }, []);

      const bob = await from(t, relay.url, '203.0.113.7', { token: await sign({ sub: 'u-bob', name: 'Bob' }) });
      const read = await request(bob, 'join', { room: 'lobby', readOnly: true });
      assert.deepEqual(read.banned, { until: now + 1200, reason: 'cool off' });
      // A guest of the same address under another name is refused by the address ban, with its reason.
      const alias = await from(t, relay.url, '203.0.113.7', { name: 'bobby', clientId: 'bobby-browser' });
      const aliasJoin = await request(alias, 'join', { room: 'lobby' });
      assert.deepEqual([aliasJoin.error.code, aliasJoin.error.reason], ['banned', 'cool off']);
      const eve = await connect(t, relay.url, { token: await sign({ sub: 'u-eve', name: 'Eve' }) });
      assert.equal(await code(request(eve, 'join', { room: 'lobby' })), 'banned');
      // eve's ban is renewed before its end: she is told nothing when the first one would have ended.
      await store.ban('lobby', { member: eveMember, until: now + 60_000, by: mia, ts: now }, []);

      const bobFree = next(bob, 'unbanned', 5000);
      const aliasFree = next(alias, 'unbanned', 5000);
      const eveTold = collect(eve, 'unbanned');
      assert.deepEqual(await bobFree, { room: 'lobby' });
      assert.ok(Date.now() >= now + 1200, 'not before the ban ends');
      assert.deepEqual(await aliasFree, { room: 'lobby' }, 'the guest refused by the address ban is told too');
      await sleep(500);
      assert.deepEqual(eveTold, [], 'eve, whose ban was renewed, is told nothing');
      assert.equal(await code(send(bob, 'lobby', 'back')), 'ok');
      assert.equal(await code(request(alias, 'join', { room: 'lobby' })), 'ok');

      eve.disconnect();
      await sleep(100);
      assert.equal(relay.app.sockets.bans.size, 0, 'a connection that goes is watched no more');
    });

    test('a banned reader that goes while its join is still looking up the ban is not watched afterwards', async (t) => {
      const relay = await relayFor(t);
      const { store } = relay.app;
      const mia = { id: 'u-mod', name: 'Mia', verified: true, role: 'moderator' as const };
      await store.ban('lobby', { member: { id: 'u-bob', name: 'Bob', verified: true }, until: Date.now() + 3_600_000, by: mia, ts: Date.now() }, []);
      // The join's ban lookup is held until the connection has gone, so the
      // disconnect surely comes first (on a quick store it usually comes after).
      let looking!: () => void;
      const lookedUp = new Promise<void>((resolve) => (looking = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const banOf = store.banOf.bind(store);
      store.banOf = async (...args) => {
        looking();
        await released;
        return banOf(...args);
      };

      const bob = await connect(t, relay.url, { token: await sign({ sub: 'u-bob', name: 'Bob' }) });
      bob.emit('join', { room: 'lobby', readOnly: true }, () => {});
      await lookedUp;
      bob.disconnect();
      while (relay.app.sockets.io.of('/').sockets.size > 0) await sleep(10);
      release();
      await sleep(200);
      assert.equal(relay.app.sockets.bans.size, 0, 'the connection that went is not watched until its ban ends');
    });

    test('resolve: moderators of the room only; every moderator is told once; the open list and its total leave it out', async (t) => {
      const relay = await relayFor(t);
      const mia = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const miaTab2 = await connect(t, relay.url, { token: await modToken() });
      const max = await connect(t, relay.url, { token: await modToken('u-max', 'Max') });
      const ann = await joined(t, relay.url, 'lobby', { name: 'ann' });
      await send(ann.socket, 'lobby', 'spam spam');
      await send(ann.socket, 'lobby', 'more spam');
      await request(ann.socket, 'report', { room: 'lobby', seq: 1, reason: 'spam' });
      await request(ann.socket, 'report', { room: 'lobby', seq: 2 });

      assert.equal(await code(request(ann.socket, 'resolve', { room: 'lobby', seq: 1 })), 'forbidden');
      assert.equal(await code(request(mia.socket, 'resolve', { room: 'lobby', seq: 3 })), 'not_found', 'no report of that message');
      assert.equal(await code(request(mia.socket, 'resolve', { room: 'lobby', seq: 0 })), 'invalid_payload');
      assert.equal(await code(request(mia.socket, 'resolve', { room: 'lobby', seq: 1, how: 'x' })), 'invalid_payload');
      assert.equal(await code(request(mia.socket, 'resolve', { room: '../x', seq: 1 })), 'invalid_room');

      const toTab2 = collect(miaTab2, 'reportResolved');
      const toAnn = collect(ann.socket, 'reportResolved');
      const toMax = next(max, 'reportResolved');
      assert.deepEqual(await request(mia.socket, 'resolve', { room: 'lobby', seq: 1 }), { ok: true });
      const expected = { room: 'lobby', seq: 1, by: mia.ack.self, how: 'dismissed' };
      assert.deepEqual(await toMax, expected, 'another moderator');
      assert.equal(await code(request(max, 'resolve', { room: 'lobby', seq: 1 })), 'ok', 'again: no error');
      await sleep(300);
      assert.deepEqual(toTab2, [expected], 'the moderator’s other tab, in no room, once: resolving again tells nobody');
      assert.deepEqual(toAnn, [], 'the reporter, no moderator, is told nothing');

      const open = (await api(relay, 'GET', '/api/reports?status=open')).body;
      assert.deepEqual(open.reports.map((r: any) => r.message.seq), [2]);
      assert.equal(open.total, 1);
      const resolved = (await api(relay, 'GET', '/api/reports?status=resolved')).body.reports[0];
      assert.equal(resolved.status, 'resolved');
      assert.deepEqual(resolved.resolved.by, mia.ack.self);
      assert.equal(resolved.resolved.how, 'dismissed');
      const audit = (await api(relay, 'GET', '/api/rooms/lobby/audit')).body.entries;
      assert.deepEqual([audit[0].action, audit[0].seq], ['resolve_report', 1]);

      // The console's way: the admin API resolves by id, and every moderator is told.
      const told = next(max, 'reportResolved');
      const answer = await api(relay, 'POST', `/api/reports/${open.reports[0].id}/resolve`);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.resolved.how, 'dismissed');
      const event = await told;
      assert.deepEqual([event.seq, event.how, event.by.role], [2, 'dismissed', 'moderator']);
      assert.equal((await api(relay, 'GET', '/api/reports?status=open')).body.total, 0);
    });

    test('deleting a reported message or banning its author resolves its reports, told as deleted or banned', async (t) => {
      const relay = await relayFor(t);
      const mia = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const ann = await joined(t, relay.url, 'lobby', { name: 'ann' });
      const spammer = await joined(t, relay.url, 'lobby', { name: 'spammer' });
      await send(spammer.socket, 'lobby', 'spam one'); // 1
      await send(spammer.socket, 'lobby', 'spam two'); // 2
      await send(ann.socket, 'lobby', 'hello'); // 3
      await send(spammer.socket, 'lobby', 'spam three'); // 4
      for (const seq of [1, 2, 3, 4]) await request(ann.socket, 'report', { room: 'lobby', seq });
      const events = collect(mia.socket, 'reportResolved');

      // The author deletes their own reported message.
      await request(spammer.socket, 'delete', { room: 'lobby', seq: 4 });
      // The admin API deletes another.
      assert.equal((await api(relay, 'DELETE', '/api/rooms/lobby/messages/3')).status, 204);
      // Banning the author resolves the rest of theirs.
      await request(mia.socket, 'ban', { room: 'lobby', memberId: spammer.ack.self.id, minutes: 10 });
      await sleep(200);
      assert.deepEqual(
        events.map((e) => [e.seq, e.how, e.by.name]),
        [
          [4, 'deleted', 'spammer'],
          [3, 'deleted', 'admin'],
          [1, 'banned', 'Mia'],
          [2, 'banned', 'Mia'],
        ],
      );
      assert.equal((await api(relay, 'GET', '/api/reports?status=open')).body.total, 0, 'none left open');
    });
  });
}
