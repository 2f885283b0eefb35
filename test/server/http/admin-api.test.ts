import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import { REPORTS_DEFAULT_LIMIT, REPORTS_MAX_LIMIT } from '../../../protocol/index.js';
import type { Config } from '../../../server/config.js';
import { joined, msgId, next, request, sleep, startRelay, type Client } from '../helpers.js';
import { freshPostgres, skipWithoutPostgres } from '../services.js';

/** The admin HTTP API (PROTOCOL.md "HTTP", v2): each route, and each of its errors. */

const key = 'admin-key-for-tests-0123456789';
const secret = 'test-secret-that-is-at-least-32-chars!';
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
const modToken = (sub = 'u-mod') => sign({ sub, name: 'Mia', role: 'moderator' });
const memberToken = (sub = 'u-ann', name = 'Ann') => sign({ sub, name });

const DEFAULTS = { topic: '', slowModeSeconds: 0, membersOnly: false, paused: false, pinnedSeq: null, blockedWords: [] };

const send = async (socket: Client, room: string, text: string) => {
  const ack = await request(socket, 'send', { room, text, clientMsgId: msgId() });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  return ack.message;
};

interface Call {
  method?: string;
  body?: unknown;
  auth?: string | null;
  headers?: Record<string, string>;
}

/** Calls the relay; answers the status and the parsed body (undefined when empty). */
async function call(url: string, path: string, { method = 'GET', body, auth = key, headers = {} }: Call = {}) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(auth ? { authorization: `Bearer ${auth}` } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** Each call answers `status` with the error `code`, in the contract's shape. */
async function refused(url: string, cases: [number, string, string, Call?][]) {
  for (const [status, code, path, options] of cases) {
    const answer = await call(url, path, options);
    assert.equal(answer.status, status, `${options?.method ?? 'GET'} ${path}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.error.code, code, `${options?.method ?? 'GET'} ${path}`);
    assert.equal(typeof answer.body.error.message, 'string');
  }
}

const stores: Record<string, { skip: string | false; databaseUrl?: (t: TestContext) => Promise<string> }> = {
  sqlite: { skip: false },
  postgres: { skip: skipWithoutPostgres, databaseUrl: freshPostgres },
};

for (const [kind, { skip, databaseUrl }] of Object.entries(stores)) {
  describe(`admin API on ${kind}`, { skip }, () => {
    const relayFor = async (t: TestContext, overrides: Partial<Config> = {}) =>
      startRelay(t, { jwtSecret: secret, adminApiKey: key, ...(databaseUrl ? { databaseUrl: await databaseUrl(t) } : {}), ...overrides });

    test('every admin route answers 401 without the key, with a wrong key, and with no ADMIN_API_KEY set', async (t) => {
      const relay = await relayFor(t);
      const off = await startRelay(t, { adminApiKey: undefined });
      const routes: [string, string, unknown?][] = [
        ['GET', '/api/rooms'],
        ['GET', '/api/rooms/lobby/settings'],
        ['PATCH', '/api/rooms/lobby/settings', { topic: 'x' }],
        ['DELETE', '/api/rooms/lobby/messages/1'],
        ['GET', '/api/rooms/lobby/bans'],
        ['POST', '/api/rooms/lobby/bans', { memberId: 'u-ann', minutes: 5 }],
        ['DELETE', '/api/rooms/lobby/bans/u-ann'],
        ['GET', '/api/reports'],
        ['POST', '/api/reports/abc/resolve'],
        ['GET', '/api/rooms/lobby/audit'],
      ];
      for (const [method, path, body] of routes) {
        await refused(relay.url, [
          [401, 'unauthorized', path, { method, body, auth: null }],
          [401, 'unauthorized', path, { method, body, auth: 'wrong-key-wrong-key-wrong' }],
        ]);
        await refused(off.url, [[401, 'unauthorized', path, { method, body }]]);
      }
    });

    test('GET /api/rooms: most recently active first, with who is online, messages and last activity; limit and filter', async (t) => {
      const relay = await relayFor(t);
      assert.deepEqual((await call(relay.url, '/api/rooms')).body, { rooms: [] });
      const ann = await joined(t, relay.url, 'lobby', { token: await memberToken() });
      const bob = await joined(t, relay.url, 'support', { name: 'bob' });
      await request(bob.socket, 'join', { room: 'lobby' });
      await send(ann.socket, 'lobby', 'one');
      await send(ann.socket, 'lobby', 'two');
      // Rooms are ordered by their last message's time, in milliseconds: one apart.
      await sleep(2);
      const last = await send(bob.socket, 'support', 'help');

      const { status, body } = await call(relay.url, '/api/rooms');
      assert.equal(status, 200);
      assert.deepEqual(body.rooms, [
        { room: 'support', online: 1, messages: 1, lastSeq: 1, lastMessageAt: last.ts },
        { room: 'lobby', online: 2, messages: 2, lastSeq: 2, lastMessageAt: body.rooms[1].lastMessageAt },
      ]);
      assert.ok(body.rooms[1].lastMessageAt <= last.ts);

      // A message in lobby makes it the most recent; a deletion takes one off its count, not off lastSeq.
      await sleep(2);
      await send(ann.socket, 'lobby', 'three');
      assert.equal((await call(relay.url, '/api/rooms/lobby/messages/1', { method: 'DELETE' })).status, 204);
      ann.socket.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const after = (await call(relay.url, '/api/rooms')).body.rooms;
      assert.deepEqual(after.map((r: { room: string }) => r.room), ['lobby', 'support']);
      assert.deepEqual([after[0].messages, after[0].lastSeq, after[0].online], [2, 3, 1]);

      assert.deepEqual((await call(relay.url, '/api/rooms?limit=1')).body.rooms.map((r: { room: string }) => r.room), ['lobby']);
      assert.deepEqual((await call(relay.url, '/api/rooms?q=SUPP')).body.rooms.map((r: { room: string }) => r.room), ['support']);
      assert.deepEqual((await call(relay.url, '/api/rooms?q=nothing')).body.rooms, []);
      await refused(relay.url, [
        [400, 'invalid_payload', '/api/rooms?limit=0'],
        [400, 'invalid_payload', '/api/rooms?limit=ten'],
        [400, 'invalid_payload', '/api/rooms?sort=name'],
        [400, 'invalid_payload', `/api/rooms?q=${'x'.repeat(65)}`],
      ]);
    });

    test('GET and PATCH /api/rooms/:room/settings: as configure, the room told, audited; every refusal', async (t) => {
      const relay = await relayFor(t);
      const ann = await joined(t, relay.url, 'lobby', { token: await memberToken() });
      const first = await send(ann.socket, 'lobby', 'pin me');
      assert.deepEqual((await call(relay.url, '/api/rooms/lobby/settings')).body, DEFAULTS);

      const told = next(ann.socket, 'room');
      const patch = { topic: 'Release day 🎉', slowModeSeconds: 30, pinnedSeq: first.seq, blockedWords: ['spam', ' Spam '] };
      const { status, body } = await call(relay.url, '/api/rooms/lobby/settings', { method: 'PATCH', body: patch });
      assert.equal(status, 200);
      assert.deepEqual(body, { ...DEFAULTS, topic: 'Release day 🎉', slowModeSeconds: 30, pinnedSeq: first.seq, blockedWords: ['spam', 'Spam'] });
      const event = await told;
      assert.deepEqual(event.settings, { ...body, blockedWords: [] }, 'members never see the blocked words');
      assert.equal(event.pinned.seq, first.seq);
      assert.deepEqual((await call(relay.url, '/api/rooms/lobby/settings')).body, body);
      // What it refuses over the socket, it refuses now.
      assert.equal((await request(ann.socket, 'send', { room: 'lobby', text: 'buy s p a m', clientMsgId: msgId() })).error.code, 'blocked');
      // Unpinning with null; other settings keep their value.
      assert.equal((await call(relay.url, '/api/rooms/lobby/settings', { method: 'PATCH', body: { pinnedSeq: null } })).body.topic, 'Release day 🎉');

      await refused(relay.url, [
        [400, 'invalid_room', '/api/rooms/-bad/settings'],
        [400, 'invalid_room', '/api/rooms/-bad/settings', { method: 'PATCH', body: { topic: 'x' } }],
        [400, 'invalid_payload', '/api/rooms/lobby/settings', { method: 'PATCH', body: { colour: 'red' } }],
        [400, 'invalid_payload', '/api/rooms/lobby/settings', { method: 'PATCH', body: { slowModeSeconds: '30' } }],
        [400, 'invalid_payload', '/api/rooms/lobby/settings', { method: 'PATCH', body: { slowModeSeconds: 3601 } }],
        [400, 'invalid_payload', '/api/rooms/lobby/settings', { method: 'PATCH', body: { paused: 'true' } }],
        [400, 'invalid_payload', '/api/rooms/lobby/settings', { method: 'PATCH', body: { topic: 'x'.repeat(201) } }],
        [400, 'invalid_payload', '/api/rooms/lobby/settings', { method: 'PATCH', body: { blockedWords: ['   '] } }],
        [400, 'invalid_payload', '/api/rooms/lobby/settings', { method: 'PATCH', body: { blockedWords: ['x'.repeat(65)] } }],
        [400, 'invalid_payload', '/api/rooms/lobby/settings', { method: 'PATCH', body: { topic: 'a\u0000b' } }],
        [400, 'invalid_payload', '/api/rooms/lobby/settings', { method: 'PATCH', body: '{"topic": ' }],
        [404, 'not_found', '/api/rooms/lobby/settings', { method: 'PATCH', body: { pinnedSeq: 99 } }],
      ]);
      // A topic of 200 emoji is 200 characters, as on the socket.
      assert.equal((await call(relay.url, '/api/rooms/lobby/settings', { method: 'PATCH', body: { topic: '🎉'.repeat(200) } })).status, 200);

      const { entries } = (await call(relay.url, '/api/rooms/lobby/audit')).body;
      assert.equal(entries[0].action, 'configure');
      assert.deepEqual(entries[0].actor, { id: 'admin', name: 'admin', verified: true, role: 'moderator' });
      assert.match(entries.at(-1).detail, /topic="Release day 🎉".*blockedWords=2 entries/);
    });

    test('DELETE /api/rooms/:room/messages/:seq: 204, the room gets deleted and updated, audited; 404 and 400', async (t) => {
      const relay = await relayFor(t);
      const ann = await joined(t, relay.url, 'lobby', { token: await memberToken() });
      const message = await send(ann.socket, 'lobby', 'oops');
      const deleted = next(ann.socket, 'deleted');
      const updated = next(ann.socket, 'updated');
      const answer = await call(relay.url, `/api/rooms/lobby/messages/${message.seq}`, { method: 'DELETE' });
      assert.equal(answer.status, 204);
      assert.equal(answer.body, undefined);
      assert.deepEqual(await deleted, { room: 'lobby', seq: message.seq });
      assert.equal((await updated).deleted, true);
      // Again: nothing left to delete, no error, told once.
      assert.equal((await call(relay.url, `/api/rooms/lobby/messages/${message.seq}`, { method: 'DELETE' })).status, 204);
      const [entry] = (await call(relay.url, '/api/rooms/lobby/audit')).body.entries;
      assert.deepEqual([entry.action, entry.seq, entry.memberId, entry.actor.id], ['delete', message.seq, 'u-ann', 'admin']);

      await refused(relay.url, [
        [404, 'not_found', '/api/rooms/lobby/messages/99', { method: 'DELETE' }],
        [404, 'not_found', '/api/rooms/elsewhere/messages/1', { method: 'DELETE' }],
        [400, 'invalid_payload', '/api/rooms/lobby/messages/0', { method: 'DELETE' }],
        [400, 'invalid_payload', '/api/rooms/lobby/messages/one', { method: 'DELETE' }],
        [400, 'invalid_room', '/api/rooms/-bad/messages/1', { method: 'DELETE' }],
      ]);
    });

    test('bans: POST 201 removes the member, GET lists, DELETE 204 lifts; 403 for a moderator; 404 and 400', async (t) => {
      const relay = await relayFor(t);
      const ann = await joined(t, relay.url, 'lobby', { token: await memberToken() });
      const mod = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const banned = next(ann.socket, 'banned');
      const created = await call(relay.url, '/api/rooms/lobby/bans', { method: 'POST', body: { memberId: 'u-ann', minutes: 60, reason: 'flooding' } });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body.member, { id: 'u-ann', name: 'Ann', verified: true });
      assert.equal(created.body.reason, 'flooding');
      assert.equal(created.body.by.id, 'admin');
      assert.ok(Math.abs(created.body.until - (Date.now() + 3_600_000)) < 5000);
      assert.deepEqual(await banned, { room: 'lobby', until: created.body.until, reason: 'flooding' });
      // Refused on the socket now, as after a moderator's ban.
      assert.equal((await request(ann.socket, 'join', { room: 'lobby' })).error?.code ?? 'ok', 'banned');

      const list = await call(relay.url, '/api/rooms/lobby/bans');
      assert.deepEqual(list.body, { bans: [created.body] });
      // The moderator's socket `bans` answers the same list.
      assert.deepEqual((await request(mod.socket, 'bans', { room: 'lobby' })).bans, list.body.bans);

      const lifted = await call(relay.url, '/api/rooms/lobby/bans/u-ann', { method: 'DELETE' });
      assert.equal(lifted.status, 204);
      assert.deepEqual((await call(relay.url, '/api/rooms/lobby/bans')).body, { bans: [] });
      assert.deepEqual(
        (await call(relay.url, '/api/rooms/lobby/audit')).body.entries.map((e: { action: string }) => e.action),
        ['unban', 'ban'],
      );

      await refused(relay.url, [
        [403, 'forbidden', '/api/rooms/lobby/bans', { method: 'POST', body: { memberId: 'u-mod', minutes: 5 } }],
        [403, 'forbidden', '/api/rooms/lobby/bans', { method: 'POST', body: { memberId: 'admin', minutes: 5 } }],
        [404, 'not_found', '/api/rooms/lobby/bans/u-ann', { method: 'DELETE' }],
        [400, 'invalid_payload', '/api/rooms/lobby/bans', { method: 'POST', body: { memberId: 'u-ann', minutes: 0 } }],
        [400, 'invalid_payload', '/api/rooms/lobby/bans', { method: 'POST', body: { memberId: 'u-ann', minutes: 525_601 } }],
        [400, 'invalid_payload', '/api/rooms/lobby/bans', { method: 'POST', body: { memberId: 'u-ann', minutes: '5' } }],
        [400, 'invalid_payload', '/api/rooms/lobby/bans', { method: 'POST', body: { memberId: 'u-ann' } }],
        [400, 'invalid_payload', '/api/rooms/lobby/bans', { method: 'POST', body: { memberId: '', minutes: 5 } }],
        [400, 'invalid_payload', '/api/rooms/lobby/bans', { method: 'POST', body: { memberId: 'u-ann', minutes: 5, reason: 'x'.repeat(201) } }],
        [400, 'invalid_payload', '/api/rooms/lobby/bans', { method: 'POST', body: { memberId: 'u-ann', minutes: 5, until: 1 } }],
        [400, 'invalid_room', '/api/rooms/-bad/bans'],
        [400, 'invalid_room', '/api/rooms/-bad/bans', { method: 'POST', body: { memberId: 'u-ann', minutes: 5 } }],
        [400, 'invalid_room', '/api/rooms/-bad/bans/u-ann', { method: 'DELETE' }],
        [400, 'invalid_payload', `/api/rooms/lobby/bans/${'x'.repeat(201)}`, { method: 'DELETE' }],
      ]);
    });

    test('reports: listed with the message, reporters and reasons, filtered; resolved, audited; 404 and 400', async (t) => {
      const relay = await relayFor(t);
      const ann = await joined(t, relay.url, 'lobby', { token: await memberToken() });
      const bob = await joined(t, relay.url, 'lobby', { token: await memberToken('u-bob', 'Bob') });
      const other = await joined(t, relay.url, 'other', { token: await memberToken('u-cat', 'Cat') });
      const message = await send(ann.socket, 'lobby', 'rude words');
      const elsewhere = await send(other.socket, 'other', 'also rude');
      assert.equal((await request(bob.socket, 'report', { room: 'lobby', seq: message.seq, reason: 'rude' })).ok, true);
      await sleep(2); // reports are ordered by time, in milliseconds
      assert.equal((await request(other.socket, 'report', { room: 'other', seq: elsewhere.seq })).ok, true);

      const all = (await call(relay.url, '/api/reports')).body.reports;
      assert.deepEqual(all.map((r: { room: string }) => r.room), ['other', 'lobby'], 'newest first');
      const { body } = await call(relay.url, '/api/reports?room=lobby&status=open');
      assert.equal(body.reports.length, 1);
      const [report] = body.reports;
      assert.deepEqual(report.message, message);
      assert.deepEqual(report.reporters, [{ id: 'u-bob', name: 'Bob', verified: true }]);
      assert.deepEqual([report.reasons, report.count, report.status], [['rude'], 1, 'open']);

      const resolved = await call(relay.url, `/api/reports/${report.id}/resolve`, { method: 'POST' });
      assert.equal(resolved.status, 200);
      assert.equal(resolved.body.status, 'resolved');
      assert.deepEqual((await call(relay.url, '/api/reports?room=lobby&status=open')).body.reports, []);
      assert.equal((await call(relay.url, '/api/reports?status=resolved')).body.reports[0].id, report.id);
      const [entry] = (await call(relay.url, '/api/rooms/lobby/audit')).body.entries;
      assert.deepEqual([entry.action, entry.seq, entry.detail], ['resolve_report', message.seq, report.id]);

      await refused(relay.url, [
        [404, 'not_found', '/api/reports/no-such-report/resolve', { method: 'POST' }],
        [400, 'invalid_payload', `/api/reports/${'x'.repeat(65)}/resolve`, { method: 'POST' }],
        [400, 'invalid_payload', '/api/reports?status=closed'],
        [400, 'invalid_payload', '/api/reports?seq=1'],
        [400, 'invalid_room', '/api/reports?room=-bad'],
      ]);
    });

    test('reports page newest first (before, limit) with their total: 520 newer reports hide no older open one; 404 and 400', async (t) => {
      const relay = await relayFor(t);
      const ann = await joined(t, relay.url, 'lobby', { token: await memberToken() });
      const bob = await joined(t, relay.url, 'lobby', { token: await memberToken('u-bob', 'Bob') });
      const real = await send(ann.socket, 'lobby', 'a real problem');
      assert.equal((await request(bob.socket, 'report', { room: 'lobby', seq: real.seq, reason: 'harassment' })).ok, true);
      await sleep(2); // reports are ordered by time, in milliseconds
      // 12 guest tabs report 520 messages at once (RATE_LIMIT is off here, as in the attack that found this).
      const seqs: number[] = [];
      for (let i = 0; i < 520; i++) seqs.push((await send(ann.socket, 'lobby', `flood ${i}`)).seq);
      const tabs = await Promise.all(Array.from({ length: 12 }, (_, i) => joined(t, relay.url, 'lobby', { name: `tab${i}` })));
      // All at once: their acks may take longer than a request's usual 3 s on a loaded machine (PostgreSQL).
      const report = (socket: (typeof tabs)[number]['socket'], seq: number) => (socket.timeout(30_000) as any).emitWithAck('report', { room: 'lobby', seq });
      await Promise.all(tabs.map(({ socket }, i) => Promise.all(seqs.filter((_, j) => j % 12 === i).map((seq) => report(socket, seq)))));

      const first = (await call(relay.url, '/api/reports?status=open')).body;
      assert.deepEqual([first.reports.length, first.total, first.hasMore], [REPORTS_DEFAULT_LIMIT, 521, true]);
      assert.ok(!first.reports.some((r: { message: { seq: number } }) => r.message.seq === real.seq), 'the real one is older than the first page');
      // Page by page, the real report comes, and every report comes once.
      const seen: { id: string; ts: number; message: { seq: number } }[] = [...first.reports];
      for (let page = first; page.hasMore; ) {
        page = (await call(relay.url, `/api/reports?status=open&limit=200&before=${seen.at(-1)!.id}`)).body;
        assert.equal(page.total, 521);
        seen.push(...page.reports);
      }
      assert.equal(new Set(seen.map((r) => r.id)).size, 521);
      assert.deepEqual(seen.map((r) => r.ts), seen.map((r) => r.ts).sort((a, b) => b - a), 'newest first');
      const found = seen.at(-1)!;
      assert.equal(found.message.seq, real.seq, 'the oldest: the real report, last');
      // A room's filter counts the same; more than the most is read as the most.
      assert.equal((await call(relay.url, '/api/reports?room=lobby&limit=1')).body.total, 521);
      assert.equal((await call(relay.url, '/api/reports?room=other')).body.total, 0);
      assert.equal((await call(relay.url, '/api/reports?limit=999999')).body.reports.length, REPORTS_MAX_LIMIT);

      await refused(relay.url, [
        [404, 'not_found', '/api/reports?before=00000000-0000-0000-0000-000000000000'],
        [404, 'not_found', '/api/reports?before=no-such-report'],
        [400, 'invalid_payload', `/api/reports?before=${'x'.repeat(65)}`],
        [400, 'invalid_payload', '/api/reports?limit=0'],
        [400, 'invalid_payload', '/api/reports?limit=ten'],
      ]);
    });

    test('GET /api/rooms/:room/audit names whom each action was about: the member banned or let back, the author of the message deleted, pinned or reported', async (t) => {
      const relay = await relayFor(t);
      const ann = await joined(t, relay.url, 'lobby', { token: await memberToken('u-ann', 'Ann') });
      const gus = await joined(t, relay.url, 'lobby', { name: 'Gus' });
      const hers = await send(ann.socket, 'lobby', 'pin me');
      const his = await send(gus.socket, 'lobby', 'spam spam');
      assert.equal((await request(ann.socket, 'report', { room: 'lobby', seq: his.seq, reason: 'spam' })).ok, true);
      const [report] = (await call(relay.url, '/api/reports')).body.reports;
      await call(relay.url, '/api/rooms/lobby/settings', { method: 'PATCH', body: { pinnedSeq: hers.seq } });
      await call(relay.url, '/api/rooms/lobby/settings', { method: 'PATCH', body: { pinnedSeq: null, topic: 'hi' } });
      // A topic that reads like a pin pins nothing.
      await call(relay.url, '/api/rooms/lobby/settings', { method: 'PATCH', body: { topic: `see, pinnedSeq=${his.seq}, now` } });
      // Resolved before the deletion, which would otherwise resolve it (as deleted) itself.
      await call(relay.url, `/api/reports/${report.id}/resolve`, { method: 'POST' });
      await call(relay.url, `/api/rooms/lobby/messages/${his.seq}`, { method: 'DELETE' });
      await call(relay.url, '/api/rooms/lobby/bans', { method: 'POST', body: { memberId: gus.ack.self.id, minutes: 10, reason: 'spam' } });
      await call(relay.url, `/api/rooms/lobby/bans/${encodeURIComponent(gus.ack.self.id)}`, { method: 'DELETE' });

      assert.ok((await call(relay.url, '/api/rooms/lobby/audit')).body.entries.every((e: any) => !('member' in e)), 'only when asked');
      const { entries } = (await call(relay.url, '/api/rooms/lobby/audit?members=1')).body;
      assert.deepEqual(
        entries.map((e: any) => [e.action, e.member?.name, e.seq, e.detail]),
        [
          ['unban', 'Gus', undefined, undefined],
          ['ban', 'Gus', undefined, '10 min: spam'],
          ['delete', 'Gus', his.seq, undefined],
          ['resolve_report', 'Gus', his.seq, report.id],
          ['configure', undefined, undefined, `topic="see, pinnedSeq=${his.seq}, now"`],
          ['configure', undefined, undefined, 'topic="hi", pinnedSeq=null'],
          ['configure', 'Ann', hers.seq, `pinnedSeq=${hers.seq}`],
        ],
      );
      assert.deepEqual(entries[1].member, { id: gus.ack.self.id, name: 'Gus', verified: false });
      assert.equal(entries[6].member.id, 'u-ann');
    });

    test('GET /api/rooms/:room/audit: the socket and HTTP actions alike, newest first, paged by before; 400', async (t) => {
      const relay = await relayFor(t);
      const mod = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const ann = await joined(t, relay.url, 'lobby', { token: await memberToken() });
      const message = await send(ann.socket, 'lobby', 'hello');
      // Over the socket, by the moderator …
      assert.equal((await request(mod.socket, 'configure', { room: 'lobby', settings: { paused: true } })).ok, true);
      assert.equal((await request(mod.socket, 'delete', { room: 'lobby', seq: message.seq })).ok, true);
      // … and over HTTP, by the admin.
      await call(relay.url, '/api/rooms/lobby/settings', { method: 'PATCH', body: { paused: false } });
      await call(relay.url, '/api/rooms/lobby/bans', { method: 'POST', body: { memberId: 'u-ann', minutes: 5 } });

      const { body } = await call(relay.url, '/api/rooms/lobby/audit');
      assert.equal(body.hasMore, false);
      assert.deepEqual(
        body.entries.map((e: { action: string; actor: { id: string } }) => `${e.action} by ${e.actor.id}`),
        ['ban by admin', 'configure by admin', 'delete by u-mod', 'configure by u-mod'],
      );
      const page = (await call(relay.url, '/api/rooms/lobby/audit?limit=3')).body;
      assert.equal(page.entries.length, 3);
      assert.equal(page.hasMore, true);
      const rest = (await call(relay.url, `/api/rooms/lobby/audit?before=${page.entries[2].id}&limit=3`)).body;
      assert.deepEqual(rest, { entries: [body.entries[3]], hasMore: false });
      assert.deepEqual((await call(relay.url, '/api/rooms/quiet/audit')).body, { entries: [], hasMore: false });

      await refused(relay.url, [
        [400, 'invalid_payload', '/api/rooms/lobby/audit?limit=0'],
        [400, 'invalid_payload', '/api/rooms/lobby/audit?before=last'],
        [400, 'invalid_payload', '/api/rooms/lobby/audit?after=1'],
        [400, 'invalid_room', '/api/rooms/-bad/audit'],
      ]);
    });
  });
}
