import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import type { Message } from '../../../protocol/index.js';
import { assertClean, Checker, type Outcome } from '../checker.js';
import { spawnRelay, startProxy, waitFor } from '../cluster-helpers.js';
import { connect, msgId, request, sleep, type Client } from '../helpers.js';
import { freshPostgres, postgresUrl, redisUrl, skipWithoutBoth } from '../services.js';

/**
 * Several relay processes on one machine, sharing real PostgreSQL and Redis,
 * as an operator runs them behind a load balancer.
 */

async function cluster(t: TestContext, size: number, extra: Record<string, string> = {}) {
  const env = { DATABASE_URL: await freshPostgres(t), REDIS_URL: redisUrl!, REDIS_PREFIX: `test-${randomBytes(5).toString('hex')}`, ...extra };
  return { env, relays: await Promise.all(Array.from({ length: size }, () => spawnRelay(t, env))) };
}

/**
 * A member's view of a room. Live `message` events must each come once;
 * catching up (join with since) may return a message that also arrived live
 * meanwhile, and a client keeps one copy by seq, as the widget does.
 */
class Inbox {
  readonly live: Message[] = [];
  readonly fetched: Message[] = [];
  constructor(readonly socket: Client) {
    socket.on('message', (m) => this.live.push(m));
  }
  /** Fills any gap the way the widget does: join again with since = the last seq held. */
  async catchUp(room: string): Promise<void> {
    for (;;) {
      const since = Math.max(0, ...this.seqs());
      const ack = await request(this.socket, 'join', { room, since, limit: 200 });
      this.fetched.push(...ack.messages);
      if (!ack.truncated) return;
    }
  }
  /** The seqs held, each once; a live message delivered twice fails the test. */
  seqs(): number[] {
    const live = this.live.map((m) => m.seq);
    assert.equal(new Set(live).size, live.length, `a live message came twice: ${live.join(',')}`);
    return [...new Set([...live, ...this.fetched.map((m) => m.seq)])];
  }
  get seen(): Message[] {
    return [...this.live, ...this.fetched];
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('several relays as one chat', { skip: skipWithoutBoth }, () => {
  test('a message sent on relay A reaches members on relay B once, and everyone sees one seq order', async (t) => {
    const { relays } = await cluster(t, 2);
    const room = 'lobby';
    const inboxes: Inbox[] = [];
    for (const [i, relay] of relays.entries()) {
      for (const name of ['x', 'y']) {
        const socket = await connect(t, relay.url, { name: `${name}${i}` });
        await request(socket, 'join', { room });
        inboxes.push(new Inbox(socket));
      }
    }
    for (let i = 0; i < 20; i++) {
      const sender = inboxes[i % inboxes.length]!.socket;
      assert.equal((await request(sender, 'send', { room, text: `m${i}`, clientMsgId: msgId() })).ok, true);
    }
    await sleep(300);
    for (const inbox of inboxes) assert.deepEqual(inbox.seqs(), range(20), 'each message once, in seq order');
    const texts = inboxes.map((inbox) => inbox.seen.map((m) => m.text).join());
    assert.equal(new Set(texts).size, 1, 'the same history everywhere');
  });

  test('presence counts, typing, bans, idempotence and rate limits hold across relays', async (t) => {
    const { relays } = await cluster(t, 2, { RATE_LIMIT: '3/10s', JWT_SECRET: 'cluster-secret-cluster-secret-32!' });
    const [a, b] = relays as [typeof relays[0], typeof relays[0]];
    const alice = await connect(t, a.url, { name: 'alice', clientId: 'alice-browser' });
    const aliceOnB = await connect(t, b.url, { name: 'alice', clientId: 'alice-browser' });
    const bob = await connect(t, b.url, { name: 'bob' });
    await request(alice, 'join', { room: 'r' });
    await request(aliceOnB, 'join', { room: 'r' });
    const joined = await request(bob, 'join', { room: 'r' });
    assert.equal(joined.count, 2, 'alice (two tabs, two relays) counts once');
    assert.deepEqual(joined.members.map((m: any) => m.name).sort(), ['alice', 'bob']);

    const typing = new Promise((resolve) => bob.once('typing', resolve));
    const aliceTyping: unknown[] = [];
    aliceOnB.on('typing', (e) => aliceTyping.push(e));
    await request(alice, 'typing', { room: 'r', typing: true });
    assert.equal(((await typing) as any).member.name, 'alice');
    await sleep(100);
    assert.deepEqual(aliceTyping, [], 'never to the typist, on any relay');

    // The same clientMsgId retried through the other relay returns the original.
    const id = msgId();
    const first = await request(alice, 'send', { room: 'r', text: 'once', clientMsgId: id });
    const retry = await request(aliceOnB, 'send', { room: 'r', text: 'once', clientMsgId: id });
    assert.deepEqual(retry, first);

    // Three messages per 10 s, whichever relay they go through (the retry counted too).
    assert.equal((await request(aliceOnB, 'send', { room: 'r', text: 'two', clientMsgId: msgId() })).ok, true);
    const limited = await request(alice, 'send', { room: 'r', text: 'three', clientMsgId: msgId() });
    assert.equal(limited.error?.code, 'rate_limited');

    // A ban made on relay B reaches alice's tab on relay A, and holds there.
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({ sub: 'mod', name: 'Mod', role: 'moderator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('cluster-secret-cluster-secret-32!'));
    const mod = await connect(t, b.url, { token });
    await request(mod, 'join', { room: 'r' });
    const banned = new Promise((resolve) => alice.once('banned', resolve));
    assert.deepEqual(await request(mod, 'ban', { room: 'r', memberId: first.message.author.id, minutes: 5 }), { ok: true });
    await banned;
    assert.equal((await request(alice, 'join', { room: 'r' })).error.code, 'banned');
    const fresh = await connect(t, a.url, { name: 'alice', clientId: 'alice-browser' });
    assert.equal((await request(fresh, 'join', { room: 'r' })).error.code, 'banned');
  });

  test('concurrent senders on three relays into one room get seq 1..N with no gap', async (t) => {
    const { relays } = await cluster(t, 3);
    const senders = await Promise.all(
      relays.flatMap((relay, r) => [0, 1].map((i) => connect(t, relay.url, { name: `s${r}-${i}` }))),
    );
    const watcher = new Inbox(await connect(t, relays[0]!.url, { name: 'watcher' }));
    await request(watcher.socket, 'join', { room: 'busy' });
    await Promise.all(senders.map((s) => request(s, 'join', { room: 'busy' })));
    const acks = await Promise.all(
      senders.flatMap((s) => range(15).map(() => request(s, 'send', { room: 'busy', text: 'x', clientMsgId: msgId() }))),
    );
    assert.ok(acks.every((a) => a.ok));
    assert.deepEqual(sorted(acks.map((a) => a.message.seq)), range(90));
    await sleep(500);
    assert.deepEqual(sorted(watcher.seqs()), range(90), 'the watcher got all 90 once');
  });

  test('SIGKILL one relay mid-stream: its clients move to a survivor and end with every message once', async (t) => {
    const { env, relays } = await cluster(t, 2);
    const [doomed, survivor] = relays as [typeof relays[0], typeof relays[0]];
    const checker = new Checker('stream', { liveInOrder: false });
    const sender = await checker.join(t, survivor.url, 'sender');
    const moved = await checker.join(t, doomed.url, 'moved');
    const sending = (async () => {
      for (let i = 0; i < 60; i++) {
        await sender.deliver(`m${i}`);
        await sleep(10);
      }
    })();
    await sleep(200);
    await doomed.kill('SIGKILL');
    // Its client notices; behind a load balancer it would reconnect to the
    // survivor by itself: here a new connection under the same identity,
    // holding what the old one received, rejoins with since.
    moved.stays = false;
    const replacement = await checker.join(t, survivor.url, 'moved');
    replacement.pages.push(moved.received());
    await sending;
    await checker.settle();
    assertClean(await checker.verify(env.DATABASE_URL));
    assert.equal(checker.stats().acked, 60, 'every send was acknowledged');
  });

  test('Redis going away under traffic: relays reconnect, nothing acked is lost, clients fill gaps through since', async (t) => {
    const target = new URL(redisUrl!);
    const proxy = await startProxy(t, { host: target.hostname, port: Number(target.port || 6379) });
    const { env, relays } = await cluster(t, 2, { REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
    const [a, b] = relays as [typeof relays[0], typeof relays[0]];
    const checker = new Checker('r', { liveInOrder: false });
    const sender = await checker.join(t, a.url, 'sender');
    await checker.join(t, b.url, 'reader');
    const send = async (n: number) => {
      for (let i = 0; i < n; i++) {
        assert.equal((await sender.send(`m${i}`)).ok, true);
        await sleep(10);
      }
    };
    await send(10);
    await proxy.cut();
    const down = await fetch(`${a.url}/readyz`);
    assert.equal(down.status, 503);
    assert.equal((await down.json()).redis, 'down');
    await send(10); // stored and acked; cross-relay delivery may miss while Redis is away
    await proxy.restore();
    await waitFor(async () => (await fetch(`${a.url}/readyz`)).status === 200, 'relay A never saw Redis back');
    await send(10);
    await checker.settle(500);
    assertClean(await checker.verify(env.DATABASE_URL));
    assert.equal(checker.stats().acked, 30);
  });

  test('PostgreSQL going away: sends get unavailable (never a false ok), nothing crashes, and it recovers', async (t) => {
    const target = new URL(postgresUrl!);
    const proxy = await startProxy(t, { host: target.hostname, port: Number(target.port || 5432) });
    const direct = await freshPostgres(t);
    const database = new URL(direct);
    database.host = `127.0.0.1:${proxy.port}`;
    const { relays } = await cluster(t, 1, { DATABASE_URL: database.toString() });
    const relay = relays[0]!;
    const checker = new Checker('r');
    const writer = await checker.join(t, relay.url, 'writer');
    const outcomes: Outcome[] = [];
    const send = async (n: number) => {
      for (let i = 0; i < n; i++) outcomes.push(await writer.send(`m${i}`));
    };
    await send(5);
    await proxy.cut();
    await send(5);
    assert.deepEqual(outcomes.slice(5).map((o) => !o.ok && o.code), Array(5).fill('unavailable'));
    const ready = await fetch(`${relay.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal((await ready.json()).storage, 'down');
    assert.equal((await fetch(`${relay.url}/healthz`)).status, 200, 'still running');
    await proxy.restore();
    await waitFor(async () => (await fetch(`${relay.url}/readyz`)).status === 200, 'never recovered');
    await send(5);
    const oks = outcomes.flatMap((o) => (o.ok ? [o.message] : []));
    assert.deepEqual(oks.map((m) => m.seq), range(10), 'seq continues with no gap');
    // Every ok is stored, nothing refused is (the checker reads PostgreSQL itself).
    await checker.settle();
    assertClean(await checker.verify(direct));
  });
  test('edits and reactions from members on two relays take one rev order and count right; a member back on the other relay misses none', async (t) => {
    const { relays } = await cluster(t, 2);
    const [a, b] = relays as [(typeof relays)[0], (typeof relays)[0]];
    const room = 'conversation';
    const members: { socket: Client; updates: Message[] }[] = [];
    for (const [i, relay] of [a, a, a, a, b, b, b, b].entries()) {
      const socket = await connect(t, relay.url, { name: `m${i}`, clientId: `member-${i}-browser` });
      assert.equal((await request(socket, 'join', { room })).ok, true);
      const updates: Message[] = [];
      socket.on('updated', (m) => updates.push(m));
      members.push({ socket, updates });
    }
    // The first member also has a tab on the other relay.
    const firstTab = await connect(t, b.url, { name: 'm0', clientId: 'member-0-browser' });
    await request(firstTab, 'join', { room });
    const carol = await connect(t, a.url, { name: 'carol', clientId: 'carol-browser' });
    await request(carol, 'join', { room });
    const author = members[0]!.socket;
    for (let i = 1; i <= 5; i++) await request(author, 'send', { room, text: `m${i}`, clientMsgId: msgId() });
    const held = await request(carol, 'join', { room, since: 5 });
    assert.equal(held.rev, 5);
    carol.disconnect();

    // All at once, from both relays: 👍 on 1 from everyone (twice from the
    // member with two tabs), ❤️ on 2, an edit of 3 and a deletion of 4.
    const acks = await Promise.all([
      ...members.map(({ socket }) => request(socket, 'react', { room, seq: 1, emoji: '👍', on: true })),
      request(firstTab, 'react', { room, seq: 1, emoji: '👍', on: true }),
      ...members.map(({ socket }) => request(socket, 'react', { room, seq: 2, emoji: '❤️', on: true })),
      request(author, 'edit', { room, seq: 3, text: 'm3, edited' }),
      request(firstTab, 'delete', { room, seq: 4 }),
    ]);
    assert.ok(acks.every((ack) => ack.ok), JSON.stringify(acks.filter((ack) => !ack.ok)));
    const changes = 8 + 8 + 1 + 1; // the second 👍 of one member is no change
    const lastRev = 5 + changes;
    await waitFor(() => members.every((m) => m.updates.length === changes), 'every member gets every update once', 5000);

    const expected = (await request(members[5]!.socket, 'join', { room })).messages as Message[];
    assert.deepEqual(expected[0]!.reactions, [{ emoji: '👍', count: 8 }], 'counted once per member, whichever relay');
    assert.deepEqual(expected[1]!.reactions, [{ emoji: '❤️', count: 8 }]);
    assert.deepEqual([expected[2]!.text, expected[3]!.deleted], ['m3, edited', true]);
    for (const { updates } of members) {
      // One order: every change its own rev, none missing, none twice; the
      // newest by rev of each message is what the database holds.
      assert.deepEqual(sorted(updates.map((m) => m.rev)), range(changes).map((i) => 5 + i));
      const newest = new Map<number, Message>();
      for (const m of updates) if ((newest.get(m.seq)?.rev ?? 0) < m.rev) newest.set(m.seq, m);
      assert.deepEqual([...newest.values()].sort((x, y) => x.seq - y.seq), expected.slice(0, 4));
    }

    // Carol comes back through the other relay with what she held: nothing missed.
    const back = await connect(t, b.url, { name: 'carol', clientId: 'carol-browser' });
    const ack = await request(back, 'join', { room, since: held.lastSeq, sinceRev: held.rev });
    assert.equal(ack.rev, lastRev);
    assert.deepEqual(ack.messages, []);
    const revs = ack.changed.map((m: Message) => m.rev);
    assert.deepEqual(revs, sorted(revs), 'oldest change first');
    assert.deepEqual([...ack.changed].sort((x: Message, y: Message) => x.seq - y.seq), expected.slice(0, 4));
  });
});
