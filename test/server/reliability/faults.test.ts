import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { assertClean, Checker, storedMessages, type Participant } from '../checker.js';
import { spawnRelay, startBalancer, startProxy, waitFor, type RelayProcess } from '../cluster-helpers.js';
import { connect, msgId, request, sleep, startRelay, tempDir } from '../helpers.js';
import { freshPostgres, redisUrl, skipWithoutBoth } from '../services.js';

/**
 * Faults between a client and one relay, with the relay in this process
 * (real Socket.IO clients, a real SQLite file). Every test ends with the
 * checker: nothing acknowledged is lost, nothing is stored or delivered
 * twice, and every member still in the room holds the same history as the
 * database.
 */
describe('faults between clients and a relay', () => {
  test('transports dropped mid-stream, while sending: every message lands once, everyone ends with the same history', async (t) => {
    const relay = await startRelay(t);
    const checker = new Checker('lobby');
    const sender = await checker.join(t, relay.url, 'sender');
    const readers = [await checker.join(t, relay.url, 'reader1'), await checker.join(t, relay.url, 'reader2')];
    const drops: string[] = [];
    sender.socket.on('disconnect', (reason) => drops.push(reason));
    readers[0]!.socket.on('disconnect', (reason) => drops.push(`reader: ${reason}`));

    const serverSide = (name: string) =>
      [...relay.app.sockets.io.of('/').sockets.values()].find((s) => s.data.member.name === name)!;
    // Right after a send goes out: the relay closes the sender's connection
    // under it; later the sender's own transport dies; later a reader's.
    const faults = new Map<number, () => void>([
      [15, () => serverSide('sender').conn.close()],
      [35, () => sender.socket.io.engine.close()],
      [55, () => readers[0]!.socket.io.engine.close()],
    ]);
    const acked: number[] = [];
    for (let i = 0; i < 80; i++) {
      const sent = sender.deliver(`m${i}`);
      faults.get(i)?.();
      acked.push((await sent).seq);
    }

    assert.deepEqual(drops, ['transport close', 'forced close', 'reader: forced close'], 'each fault dropped a connection');
    await checker.settle();
    assertClean(await checker.verify(relay.config.databaseUrl));
    assert.deepEqual(acked, Array.from({ length: 80 }, (_, i) => i + 1), 'acked in order, seq 1..80');
    t.diagnostic(JSON.stringify(checker.stats()));
  });

  test('sends made while offline go out after reconnecting, under the same clientMsgId, and are stored once', async (t) => {
    const relay = await startRelay(t);
    const target = new URL(relay.url);
    const proxy = await startProxy(t, { host: target.hostname, port: Number(target.port) });
    const checker = new Checker('lobby');
    const away = await checker.join(t, `http://127.0.0.1:${proxy.port}`, 'away');
    const reader = await checker.join(t, relay.url, 'reader');
    await away.deliver('before');

    const offline = new Promise((resolve) => away.socket.once('disconnect', resolve));
    await proxy.cut();
    await offline;
    // Each is emitted now (socket.io-client buffers it and sends it on
    // reconnect), and retried after rejoining under the same id, as the widget does.
    const queued = Array.from({ length: 5 }, (_, i) => {
      const clientMsgId = msgId();
      void away.send(`offline ${i}`, clientMsgId, 10_000);
      return away.deliver(`offline ${i}`, { clientMsgId });
    });
    await sleep(500);
    await proxy.restore();
    const messages = await Promise.all(queued);

    await checker.settle();
    const stored = await storedMessages(relay.config.databaseUrl, 'lobby');
    assert.deepEqual(stored.map((m) => m.text), ['before', ...messages.map((m) => m.text)], 'each stored once, in the order sent');
    assert.ok(checker.stats().attempts > checker.stats().sends, 'some sends were attempted more than once');
    assertClean(checker.report(stored));
    assert.ok(reader.seqs().size === 6);
  });

  test('an ack lost after the commit: the retry returns the original message, nothing is stored twice', async (t) => {
    const relay = await startRelay(t);
    const target = new URL(relay.url);
    const proxy = await startProxy(t, { host: target.hostname, port: Number(target.port) });
    const checker = new Checker('lobby');
    const sender = await checker.join(t, `http://127.0.0.1:${proxy.port}`, 'sender');
    const reader = await checker.join(t, relay.url, 'reader');
    await sender.deliver('first');

    // The send reaches the relay, which stores it and answers; the answer is dropped.
    proxy.mute(true);
    const clientMsgId = msgId();
    const lost = await sender.send('the ack of this one is lost', clientMsgId, 1500);
    assert.deepEqual([lost.ok, !lost.ok && lost.code], [false, 'no_ack']);
    const stored = (await storedMessages(relay.config.databaseUrl, 'lobby')).find((m) => m.clientMsgId === clientMsgId);
    assert.ok(stored, 'stored although the client never heard back');
    // The connection dies with its lost answer; the client comes back and retries.
    await proxy.cut();
    proxy.mute(false);
    await proxy.restore();
    const retried = await sender.deliver('the ack of this one is lost', { clientMsgId });
    assert.deepEqual([retried.id, retried.seq], [stored.id, stored.seq], 'the retry returns the original');

    await sender.deliver('after');
    await checker.settle();
    assertClean(await checker.verify(relay.config.databaseUrl));
    assert.deepEqual([...reader.seqs()].sort(), [1, 2, 3]);
  });

  test('SQLite locked by another process: acks wait (the relay keeps serving), then succeed, or answer unavailable past the deadline', async (t) => {
    const relay = await startRelay(t);
    const checker = new Checker('lobby');
    const alice = await checker.join(t, relay.url, 'alice');
    const bob = await checker.join(t, relay.url, 'bob');
    await alice.deliver('before the lock');
    // Another connection (a backup, an operator's shell) takes the write lock.
    const holder = new Database(join(relay.dir, 'chat.db'));
    t.after(() => holder.open && holder.close());
    holder.exec('BEGIN EXCLUSIVE');

    let answered = false;
    const clientMsgId = msgId();
    const inFlight = alice.send('sent while locked', clientMsgId, 15_000).finally(() => (answered = true));
    await sleep(100);
    // The event loop is free: HTTP, typing and another room's join are answered meanwhile.
    assert.equal((await fetch(`${relay.url}/healthz`)).status, 200);
    assert.equal((await request(bob.socket, 'typing', { room: 'lobby', typing: true })).ok, true);
    const carol = await connect(t, relay.url, { name: 'carol' });
    const elsewhere = await request(carol, 'join', { room: 'elsewhere' });
    assert.equal(elsewhere.ok, true);
    assert.equal(answered, false, 'the send waits for the lock rather than failing or blocking');
    holder.exec('COMMIT');
    const outcome = await inFlight;
    assert.equal(outcome.ok, true, `stored once the lock is gone: ${JSON.stringify(outcome)}`);

    // Held past the relay's deadline: `unavailable`, nothing written, and the retry works.
    holder.exec('BEGIN EXCLUSIVE');
    const lateId = msgId();
    const refused = await alice.send('sent while locked for long', lateId, 15_000);
    assert.deepEqual([refused.ok, !refused.ok && refused.code], [false, 'unavailable']);
    assert.equal((await fetch(`${relay.url}/healthz`)).status, 200);
    holder.exec('COMMIT');
    await alice.deliver('sent while locked for long', { clientMsgId: lateId });

    await checker.settle();
    assertClean(await checker.verify(relay.config.databaseUrl));
    assert.deepEqual((await storedMessages(relay.config.databaseUrl, 'lobby')).map((m) => m.seq), [1, 2, 3]);
  });

  test('sends queued behind a SQLite lock are stored in the order they were sent', async (t) => {
    const relay = await startRelay(t);
    const checker = new Checker('lobby');
    const alice = await checker.join(t, relay.url, 'alice');
    const holder = new Database(join(relay.dir, 'chat.db'));
    t.after(() => holder.open && holder.close());
    holder.exec('BEGIN EXCLUSIVE');
    // One member sends five messages, 150 ms apart, without waiting for acks
    // (as the widget sends what it queued offline), all while the file is locked.
    const sends = [];
    for (let i = 1; i <= 5; i++) {
      sends.push(alice.send(`queued ${i}`, msgId(), 15_000));
      await sleep(150);
    }
    holder.exec('COMMIT');
    const outcomes = await Promise.all(sends);
    assert.ok(outcomes.every((o) => o.ok), JSON.stringify(outcomes));
    const stored = await storedMessages(relay.config.databaseUrl, 'lobby');
    assert.deepEqual(stored.map((m) => m.text), ['queued 1', 'queued 2', 'queued 3', 'queued 4', 'queued 5']);
    await checker.settle();
    assertClean(await checker.verify(relay.config.databaseUrl));
  });
});

/** Keeps `participant` sending, one message after another, until `stop()`; resolves with how many it sent. */
function keepSending(participant: Participant, pauseMs = 10) {
  let running = true;
  let count = 0;
  const done = (async () => {
    while (running) {
      await participant.deliver(`${participant.name} ${count}`);
      count++;
      await sleep(pauseMs);
    }
    return count;
  })();
  return { stop: () => ((running = false), done), get count() { return count; } };
}

/** A fresh SQLite file for spawned relays, kept across their restarts. */
function sqliteFile(t: TestContext): string {
  return `sqlite:${join(tempDir(t), 'chat.db')}`;
}

/**
 * Faults of the relay process itself: relays from dist/ as their own
 * processes, killed, stopped, frozen and restarted with signals. Clients
 * reconnect by themselves (socket.io-client) and rejoin with `since`.
 */
describe('faults of the relay process', () => {
  test('SIGKILL mid-stream, restarted on the same SQLite file: every acked message is stored and reaches everyone; seq goes on with no gap or reuse', async (t) => {
    const databaseUrl = sqliteFile(t);
    const relay = await spawnRelay(t, { DATABASE_URL: databaseUrl });
    const checker = new Checker('stream');
    const senders = [await checker.join(t, relay.url, 'ann'), await checker.join(t, relay.url, 'ben')];
    await checker.join(t, relay.url, 'reader');
    const streams = senders.map((s) => keepSending(s, 5));
    await waitFor(() => streams.every((s) => s.count >= 10), 'sending never started');
    await relay.kill('SIGKILL');
    const restarted = await spawnRelay(t, { DATABASE_URL: databaseUrl, PORT: String(relay.port) });
    await waitFor(() => checker.participants.every((p) => p.inRoom), 'clients never came back', 20_000);
    const before = streams.map((s) => s.count);
    await waitFor(() => streams.every((s, i) => s.count >= before[i]! + 10), 'sending never resumed');
    await Promise.all(streams.map((s) => s.stop()));

    await checker.settle();
    const stored = await storedMessages(databaseUrl, 'stream');
    assertClean(checker.report(stored));
    assert.equal(stored.length, checker.stats().acked, 'every send stored once');
    t.diagnostic(JSON.stringify({ ...checker.stats(), restartedOn: restarted.url }));
  });

  test('SIGTERM drains: sends in flight are acked and stored, or not acked; exit 0; clients come back to the restarted relay and catch up', async (t) => {
    const databaseUrl = sqliteFile(t);
    const relay = await spawnRelay(t, { DATABASE_URL: databaseUrl });
    const checker = new Checker('drain');
    const senders = await Promise.all(['ann', 'ben', 'cat'].map((name) => checker.join(t, relay.url, name)));
    await checker.join(t, relay.url, 'reader');
    // No pause between sends: at any moment some are in flight.
    const streams = senders.map((s) => keepSending(s, 0));
    await waitFor(() => streams.every((s) => s.count >= 10), 'sending never started');
    await relay.kill('SIGTERM');
    assert.equal(relay.child.exitCode, 0, 'exits 0 after draining');
    const inFlight = [...checker.sends.values()].filter((r) => r.outcomes.every((o) => !o.ok)).length;
    await spawnRelay(t, { DATABASE_URL: databaseUrl, PORT: String(relay.port) });
    await waitFor(() => checker.participants.every((p) => p.inRoom), 'clients never came back', 20_000);
    const before = streams.map((s) => s.count);
    await waitFor(() => streams.every((s, i) => s.count >= before[i]! + 5), 'sending never resumed');
    await Promise.all(streams.map((s) => s.stop()));

    await checker.settle();
    assertClean(await checker.verify(databaseUrl));
    t.diagnostic(JSON.stringify({ ...checker.stats(), unackedAtSigterm: inFlight }));
  });

  test('a relay frozen with SIGSTOP is left through the ping timeout; after SIGCONT its clients come back, with no duplicate', async (t) => {
    const databaseUrl = sqliteFile(t);
    const relay = await spawnRelay(t, { DATABASE_URL: databaseUrl, PING_INTERVAL_MS: '1000', PING_TIMEOUT_MS: '1000' });
    const checker = new Checker('frozen');
    const alice = await checker.join(t, relay.url, 'alice');
    const bob = await checker.join(t, relay.url, 'bob');
    const reasons: string[] = [];
    for (const p of [alice, bob]) p.socket.on('disconnect', (reason) => reasons.push(reason));
    await alice.deliver('hello');
    await bob.deliver('hi');

    const asItFroze = alice.deliver('sent as the relay froze');
    relay.child.kill('SIGSTOP');
    t.after(() => relay.child.kill('SIGCONT'));
    await waitFor(() => reasons.length === 2, 'the clients never noticed the frozen relay', 20_000);
    assert.deepEqual(reasons, ['ping timeout', 'ping timeout']);
    const whileFrozen = [bob.deliver('sent while frozen'), alice.deliver('also while frozen')];
    await sleep(500);
    relay.child.kill('SIGCONT');
    await Promise.all([asItFroze, ...whileFrozen]);
    await bob.deliver('after');

    await checker.settle();
    assertClean(await checker.verify(databaseUrl));
    assert.equal((await storedMessages(databaseUrl, 'frozen')).length, 6);
  });

  test('a slow consumer that stops reading is dropped, the room goes on, and the relay\'s memory stays bounded', async (t) => {
    const databaseUrl = sqliteFile(t);
    const relay = await spawnRelay(t, { DATABASE_URL: databaseUrl, MAX_MESSAGE_LENGTH: '20000' });
    const checker = new Checker('busy');
    const sender = await checker.join(t, relay.url, 'sender');
    const control = await checker.join(t, relay.url, 'control');
    const slow = await rawClient(t, relay.url, 'slow', 'busy');
    const text = (i: number) => `${i} ${'x'.repeat(16_000)}`;
    for (let i = 0; i < 100; i++) await sender.deliver(text(i));
    await waitFor(() => control.seqs().size === 100, 'the control never got the warm-up');

    // The slow one stops reading: its kernel buffers fill, then the relay's.
    (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const memory = async () => {
      const text = await (await fetch(`${relay.url}/metrics`)).text();
      const read = (name: string) => Number(new RegExp(`^live_chat_${name} (\\d+)`, 'm').exec(text)![1]);
      return { rss: read('process_resident_memory_bytes'), external: read('nodejs_external_memory_bytes') };
    };
    const baseline = await memory();
    const peak = { ...baseline };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const now = await memory();
        peak.rss = Math.max(peak.rss, now.rss);
        peak.external = Math.max(peak.external, now.external);
        await sleep(200);
      }
    })();
    let next = 100;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < TOTAL) await sender.deliver(text(next++));
      }),
    );
    await waitFor(() => control.seqs().size === TOTAL, 'the control member fell behind', 30_000);
    sampling = false;
    await sampler;

    await waitFor(() => relay.output().includes('closed: slow consumer'), 'the slow consumer was never dropped');
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    await waitFor(() => slow.readyState === WebSocket.CLOSED, 'the slow socket is still open');
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    t.diagnostic(
      `${TOTAL - 100} messages of 16 KB: relay RSS ${mb(baseline.rss)} → peak ${mb(peak.rss)} MB, ` +
        `external (Buffers) ${mb(baseline.external)} → peak ${mb(peak.external)} MB`,
    );
    assert.ok(peak.external - baseline.external < QUEUE_BOUND, `the relay queued ${mb(peak.external - baseline.external)} MB of frames`);
    assert.ok(peak.rss - baseline.rss < RSS_BOUND, `the relay grew by ${mb(peak.rss - baseline.rss)} MB`);
    await checker.settle();
    assertClean(await checker.verify(databaseUrl));
  });
});

describe('a slow link', () => {
  test('a client on a slow link still reading a large join answer is not dropped as a slow consumer', async (t) => {
    const databaseUrl = sqliteFile(t);
    const relay = await spawnRelay(t, { DATABASE_URL: databaseUrl, MAX_MESSAGE_LENGTH: '20000' });
    const checker = new Checker('long');
    const writer = await checker.join(t, relay.url, 'writer');
    // 200 messages of 20,000 three-byte characters (a send is at most 64 KB):
    // a 12 MB join answer, far more than loopback's kernel buffers hold (4 MiB
    // on the relay's side, about 1.3 MB on the reader's), so most of it waits
    // in the relay.
    for (let i = 0; i < 200; i++) await writer.deliver(`${i} ${'中'.repeat(19_990)}`);
    // A link of 4 MiB/s: about 3 s for the answer, so the relay looks at this
    // connection (every 500 ms) several times while more than 1 MiB is still
    // queued for it. The relay sees the link take data only when its kernel
    // send buffer has drained by a third and it writes more (1.4 MB): every
    // 0.33 s at 4 MiB/s. At 3 MiB/s that was every 0.43 s, so a link slowed a
    // little by a loaded machine showed no progress between two looks.
    const bytesPerSecond = 4 * 2 ** 20;
    const link = await startProxy(t, { host: '127.0.0.1', port: relay.port }, { bytesPerSecond });
    const started = Date.now();
    const reader = new WebSocket(`ws://127.0.0.1:${link.port}/socket.io/?EIO=4&transport=websocket`, { maxPayload: 64 * 2 ** 20 });
    t.after(() => reader.terminate());
    const answer = await new Promise<{ ok: boolean; messages: unknown[] }>((resolve, reject) => {
      reader.on('message', (data) => {
        const packet = String(data);
        if (packet.startsWith('0')) reader.send(`40${JSON.stringify({ name: 'far away' })}`);
        else if (packet.startsWith('40')) reader.send(`420${JSON.stringify(['join', { room: 'long', limit: 200 }])}`);
        else if (packet.startsWith('430')) resolve(JSON.parse(packet.slice(3))[0]);
        else if (packet === '2') reader.send('3');
      });
      reader.once('close', () => {
        const log = relay.output().split('\n').filter((line) => line.includes('slow consumer'));
        reject(new Error(`the relay dropped a client that was still reading: ${log.join(' ')}`));
      });
    });
    const took = Date.now() - started;
    t.diagnostic(`a ${(200 * 60_000 / 2 ** 20).toFixed(0)} MiB join answer over a ${bytesPerSecond / 2 ** 20} MiB/s link took ${took} ms`);
    assert.equal(answer.ok, true);
    assert.equal(answer.messages.length, 200);
    assert.doesNotMatch(relay.output(), /closed: slow consumer/);
    // The link held the answer back for several of the relay's looks (at
    // least 2.5 s at 4 MiB/s): it was slow, so not being dropped means something.
    assert.ok(took >= 2000, `the answer took ${took} ms`);
  });
});

/**
 * 6,000 messages of 16 KB (96 MB) through a room with a client that reads
 * nothing. Kept for it, they would stay in the relay: measured on this
 * project's machine, +90 MB of WebSocket frames (Buffers, "external") and
 * +290 MB RSS; with the slow consumer dropped, +5 MB and +110 MB. The heap
 * grows in both cases, and for a reason of its own: Socket.IO's
 * connection-state recovery keeps every broadcast of the last 2 minutes
 * (the relay's maxDisconnectionDuration) to replay to clients that come back.
 */
const TOTAL = 6000;
const QUEUE_BOUND = 32 * 2 ** 20;
const RSS_BOUND = 200 * 2 ** 20;

/**
 * A client speaking Engine.IO / Socket.IO over a bare `ws` WebSocket (no
 * socket.io-client), joined to `room`, so that a test can stop it reading
 * at the TCP level.
 */
async function rawClient(t: TestContext, url: string, name: string, room: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  t.after(() => ws.terminate());
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const packet = String(data);
      if (packet.startsWith('0')) ws.send(`40${JSON.stringify({ name })}`);
      else if (packet.startsWith('40')) ws.send(`420${JSON.stringify(['join', { room }])}`);
      else if (packet.startsWith('430')) resolve();
      else if (packet === '2') ws.send('3');
    });
    ws.once('close', () => reject(new Error('closed before joining')));
  });
  return ws;
}

describe('a frozen relay among several', { skip: skipWithoutBoth }, () => {
  test('SIGSTOP one relay: its clients reconnect to the other through the balancer, members there keep chatting, SIGCONT makes no duplicate', async (t) => {
    const env = {
      DATABASE_URL: await freshPostgres(t),
      REDIS_URL: redisUrl!,
      REDIS_PREFIX: `test-${randomBytes(5).toString('hex')}`,
      PING_INTERVAL_MS: '1000',
      PING_TIMEOUT_MS: '1000',
    };
    const [frozen, healthy] = (await Promise.all([spawnRelay(t, env), spawnRelay(t, env)])) as [RelayProcess, RelayProcess];
    const balancer = await startBalancer(t, [frozen.url, healthy.url]);
    const checker = new Checker('r', { liveInOrder: false });
    const movers = [await checker.join(t, balancer.url, 'mover1'), await checker.join(t, balancer.url, 'mover2')];
    const [stayer1, stayer2] = [await checker.join(t, healthy.url, 'stayer1'), await checker.join(t, healthy.url, 'stayer2')];
    const reasons: string[] = [];
    for (const m of movers) m.socket.on('disconnect', (reason) => reasons.push(reason));
    for (const p of checker.participants) await p.deliver(`hello from ${p.name}`);

    const asItFroze = movers[0]!.deliver('sent as the relay froze');
    frozen.child.kill('SIGSTOP');
    t.after(() => frozen.child.kill('SIGCONT'));
    // The healthy relay's members keep chatting all along.
    const during: number[] = [];
    for (let i = 0; i < 10; i++) during.push((await stayer1.deliver(`while frozen ${i}`)).seq);
    await waitFor(() => during.every((seq) => stayer2.seqs().has(seq)), 'the healthy relay stalled');
    await waitFor(() => reasons.length === 2, 'the movers never noticed the frozen relay', 20_000);
    assert.deepEqual(reasons, ['ping timeout', 'ping timeout']);
    await waitFor(() => movers.every((m) => m.inRoom), 'the movers never reached the healthy relay', 20_000);
    assert.deepEqual(balancer.healthy(), [healthy.url]);
    await movers[1]!.deliver('moved');
    await asItFroze;

    frozen.child.kill('SIGCONT');
    await waitFor(() => balancer.healthy().length === 2, 'the frozen relay never came back');
    await sleep(1000); // whatever it held from before the freeze, it has acted on
    await stayer1.deliver('after');
    await checker.settle();
    assertClean(await checker.verify(env.DATABASE_URL));
    t.diagnostic(JSON.stringify(checker.stats()));
  });
});
