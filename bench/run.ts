/**
 * npm run bench: live-chat's relay against a bare Socket.IO relay, started
 * side by side from this process, driven by real socket.io-client clients,
 * alternating, several rounds. Prints a table of medians and ratios, and
 * writes bench/results/latest.json and latest.svg. Never a pass/fail on time.
 *
 * live-chat runs with every v2 feature on: revisions and reactions (always),
 * a 500-entry BLOCKED_WORDS_FILE that every message is checked against, and
 * webhooks to a receiver that answers (so every message also queues and
 * delivers a `message.created` event).
 *
 * BENCH_ROUNDS (default 3), BENCH_POSTGRES_URL and BENCH_REDIS_URL (default:
 * this machine's, for the cross-relay figures; "off" skips them), BENCH_ONLY
 * (a comma list of fanout, paced, storm, memory, cross, webhook, words, attacks, widget;
 * default all; and the scale sections of scale.ts, run only when named:
 * scale10k, idle20k, three), BENCH_PROFILE (a folder: CPU profiles of the
 * relays).
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { root, widgetDir } from '../server/paths.js';
import { attackLines, attackRound, type AttackRun } from './attacks.js';
import { BLOCKED_ENTRIES, blockedWordCost } from './blocked-words.js';
import { type Row, svg } from './chart.js';
import { connected, joined } from './clients.js';
import { clusterEnv } from './cluster-env.js';
import { cpuMs, writeCalls, type Kind, type Relay, rssKb, settled, start } from './relay-process.js';
import { idle20k, type IdleRun, scale10k, type ScaleRun, scaleRows, three, threeLines, type ThreeRun } from './scale.js';
import { median, quantileOfSorted, sleep } from './stats.js';
import { type Receiver, webhookReceiver } from './webhook-receiver.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ONLY = process.env.BENCH_ONLY?.split(',');
const runs = (section: string) => !ONLY || ONLY.includes(section);
/** The scale sections take minutes each: only when BENCH_ONLY names them. */
const named = (section: string) => !!ONLY?.includes(section);



let names = 0;
const client = (url: string) => connected(url, `b${++names}`);

async function joinedClients(url: string, count: number, room: (i: number) => string): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, (_, j) => joined(url, room(i + j), `b${++names}`)),
    );
    sockets.push(...batch);
  }
  return sockets;
}

const closeAll = (sockets: Socket[]) => sockets.forEach((s) => s.disconnect());

/** The bench relays' BLOCKED_WORDS_FILE: the 500 entries of blocked-words.ts, written once into `folder`. */
function blockedWordsFile(folder: string): string {
  const file = join(folder, 'blocked-words.txt');
  writeFileSync(file, BLOCKED_ENTRIES.join('\n'));
  return file;
}

/** The environment that turns live-chat's v2 features on: the blocked-word file, and webhooks to `receiver`. */
function v2Env(words: string, receiver: Receiver): Record<string, string> {
  return { BLOCKED_WORDS_FILE: words, WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}` };
}
let ids = 0;
const clientMsgId = () => `bench-${process.pid}-${++ids}`;

/** Processes holding the fan-out's receivers (see receivers.ts). */
const RECEIVER_PROCESSES = 2;

async function receiverProcess(url: string, count: number, room: string) {
  const child = fork(join(root, 'bench/receivers.ts'), [url, String(count), room], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<{ ready?: true; deliveries?: number; latencies?: number[] }>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`receivers exited with ${code}`)));
    });
  await next(); // ready
  return {
    start: () => child.send('start'),
    async stop(): Promise<{ deliveries: number; latencies: number[] }> {
      const reply = next();
      child.send('stop');
      const { deliveries = 0, latencies = [] } = await reply;
      return { deliveries, latencies };
    },
  };
}

/**
 * Closed loop: 5 senders each send the next message as soon as the last is
 * acked; deliveries/s to 100 receivers, held by other processes.
 */
/** Deliveries per second, and the relay's own CPU time per 1,000 deliveries (ms). */
async function fanOut(relay: Relay, seconds = 5): Promise<{ rate: number; cpuPerThousand: number }> {
  const { url } = relay;
  const room = `fan-${++ids}`;
  const groups = await Promise.all(
    Array.from({ length: RECEIVER_PROCESSES }, () => receiverProcess(url, 100 / RECEIVER_PROCESSES, room)),
  );
  const senders = await joinedClients(url, 5, () => room);
  await sleep(300);
  groups.forEach((g) => g.start());
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  const cpuBefore = cpuMs(relay.pid);
  const writesBefore = writeCalls(relay.pid);
  await Promise.all(
    senders.map(async (s) => {
      while (performance.now() < until) {
        await s.timeout(10_000).emitWithAck('send', { room, text: 'x'.repeat(40), clientMsgId: clientMsgId() });
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuMs(relay.pid) - cpuBefore;
  const writes = writeCalls(relay.pid) - writesBefore;
  const deliveries = (await Promise.all(groups.map((g) => g.stop()))).reduce((sum, g) => sum + g.deliveries, 0);
  process.stderr.write(`  fan-out ${relay.url}: ${(deliveries / writes).toFixed(2)} deliveries per write system call\n`);
  closeAll(senders);
  return { rate: deliveries / elapsed, cpuPerThousand: (cpu / deliveries) * 1000 };
}

/** One sender at a fixed rate; latency from send to every receiver (held by other processes). */
async function paced(url: string, receiverCount: number, rate = 20, seconds = 3, receiverUrls: string[] = [url]): Promise<Latency> {
  const room = `paced-${receiverCount}-${++ids}`;
  // Receivers in two processes per relay given (several: the cross-relay case), evenly.
  const urls = receiverUrls.flatMap((u) => [u, u]);
  const share = (k: number) => Math.floor(receiverCount / urls.length) + (k < receiverCount % urls.length ? 1 : 0);
  const groups = await Promise.all(urls.filter((_, k) => share(k) > 0).map((u, k) => receiverProcess(u, share(k), room)));
  const [sender] = await joinedClients(url, 1, () => room);
  await sleep(500);
  groups.forEach((g) => g.start());
  const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    const sentAt = performance.timeOrigin + performance.now();
    sender!.emit('send', { room, text: String(sentAt), clientMsgId: clientMsgId() }, () => {});
    await sleep(1000 / rate);
  }
  await sleep(1000);
  const latencies = (await Promise.all(groups.map((g) => g.stop()))).flatMap((g) => g.latencies);
  closeAll([sender!]);
  const sorted = latencies.sort((a, b) => a - b);
  return { p50: quantileOfSorted(sorted, 0.5), p99: quantileOfSorted(sorted, 0.99), max: sorted.at(-1)!, delivered: sorted.length / (total * receiverCount) };
}

/** V8's largest young generation on 64-bit machines: two semi-spaces of 16 MB. */
const MEMORY_NODE_ARGS = ['--min-semi-space-size=16'];

/**
 * 5,000 joined connections in rooms of 50: the relay's memory per connection
 * (RSS, no forced GC). V8 grows its young generation (to 32 MB) at a
 * process's first busy moments: live-chat's start-up (migrations, Fastify)
 * had grown it already, the bare relay grew it while its 5,000 joined, and
 * that one-off growth counted as 3–5 KB per connection of the bare relay's
 * (heap spaces read in both relays). So both relays run this section with
 * their young generation at full size from the start (MEMORY_NODE_ARGS),
 * and 500 clients join and leave first, so first-use allocations (compiled
 * code, caches) are not counted per connection either.
 */
async function idleMemory(relay: Relay, count = 5000): Promise<number> {
  const warm = await joinedClients(relay.url, 500, (i) => `warm-${Math.floor(i / 50)}`);
  closeAll(warm);
  await settled([relay.pid], 10_000);
  const before = rssKb(relay.pid);
  const sockets = await joinedClients(relay.url, count, (i) => `idle-${Math.floor(i / 50)}`);
  await sleep(2000);
  const after = rssKb(relay.pid);
  closeAll(sockets);
  return (after - before) / count;
}

/** 1,000 clients connect and join a room with 50 messages of history at once: time until all have it. */
async function joinStorm(url: string, count = 1000): Promise<number> {
  const room = `storm-${++ids}`;
  const [seeder] = await joinedClients(url, 1, () => room);
  for (let i = 0; i < 50; i++) await seeder!.emitWithAck('send', { room, text: `history ${i}`, clientMsgId: clientMsgId() });
  const started = performance.now();
  const sockets = await Promise.all(
    Array.from({ length: count }, async () => {
      const socket = await client(url);
      await socket.timeout(60_000).emitWithAck('join', { room });
      return socket;
    }),
  );
  const ms = performance.now() - started;
  closeAll([...sockets, seeder!]);
  return ms;
}

async function servicesReachable(): Promise<boolean> {
  if (POSTGRES === 'off' || REDIS === 'off') return false;
  try {
    const client = new pg.Client({ connectionString: POSTGRES, connectionTimeoutMillis: 1000 });
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** Cross-relay latency: 100 receivers split over two relays (PostgreSQL + Redis), against all on one. */
interface Latency {
  p50: number;
  p99: number;
  max: number;
  delivered: number;
}

/** A figure as the tables print it: whole from 100 up, else two decimals. */
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));

/** One line of a latency table: p50, p99 and max in ms, and how much was delivered. */
const latencyRow = (label: string, l: Latency) =>
  `| ${label} | ${fmt(l.p50)} | ${fmt(l.p99)} | ${fmt(l.max)} | ${(l.delivered * 100).toFixed(1)}% |`;

/** The median of each figure over rounds; the least delivered. */
const summarize = (runs: Latency[]): Latency => ({
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  max: median(runs.map((r) => r.max)),
  delivered: Math.min(...runs.map((r) => r.delivered)),
});

async function crossRelay(): Promise<{ one: Latency; two: Latency } | undefined> {
  if (!(await servicesReachable())) return undefined;
  const { env, drop } = await clusterEnv(POSTGRES, REDIS, 'cross');
  const a = await start('live-chat', env);
  const b = await start('live-chat', env);
  try {
    const ones = [];
    const twos = [];
    for (let round = 0; round < ROUNDS; round++) {
      ones.push(await paced(a.url, 100, 20, 3, [a.url]));
      twos.push(await paced(a.url, 100, 20, 3, [a.url, b.url]));
    }
    return { one: summarize(ones), two: summarize(twos) };
  } finally {
    await a.stop();
    await b.stop();
    await drop();
  }
}

/**
 * What a webhook receiver that stops answering does to the chat: paced
 * latency at 100 receivers with the receiver answering, then hanging (the
 * relay's worker waits out its timeout and retries), each on a fresh relay.
 */
async function deadWebhook(words: string): Promise<{ live: Latency; dead: Latency }> {
  const runs: Record<'live' | 'dead', Latency[]> = { live: [], dead: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 ? (['dead', 'live'] as const) : (['live', 'dead'] as const)) {
      const receiver = await webhookReceiver(mode);
      const relay = await start('live-chat', v2Env(words, receiver));
      try {
        runs[mode].push(await paced(relay.url, 100));
      } finally {
        await relay.stop();
        await receiver.close();
      }
    }
  }
  return { live: summarize(runs.live), dead: summarize(runs.dead) };
}

function widgetSize() {
  const bundle = readFileSync(join(widgetDir, 'live-chat.js'));
  return { raw: bundle.length, gzip: gzipSync(bundle, { level: 9 }).length, brotli: brotliCompressSync(bundle).length };
}

async function main(): Promise<void> {
  const kinds: Kind[] = ['bare', 'live-chat'];
  const samples: Record<string, Record<Kind, number[]>> = {};
  const record = (metric: string, kind: Kind, value: number) => {
    samples[metric] ??= { bare: [], 'live-chat': [] };
    samples[metric]![kind].push(value);
  };

  const folder = mkdtempSync(join(tmpdir(), 'live-chat-bench-'));
  const wordsFile = blockedWordsFile(folder);
  const receiver = await webhookReceiver('live');
  const env = (kind: Kind) => (kind === 'live-chat' ? v2Env(wordsFile, receiver) : {});
  // Alternate who goes first, so neither always runs on a warmer machine.
  const inTurn = (round: number) => (round % 2 ? [...kinds].reverse() : kinds);

  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of inTurn(round)) {
      const relay = await start(kind, env(kind));
      try {
        if (runs('fanout')) {
          const { rate, cpuPerThousand } = await fanOut(relay);
          record('fan-out deliveries/s (100 receivers, 5 senders)', kind, rate);
          record('relay CPU ms per 1,000 deliveries (fan-out)', kind, cpuPerThousand);
        }
        for (const receivers of runs('paced') ? [10, 100, 1000] : []) {
          const latency = await paced(relay.url, receivers);
          record(`paced p50 ms (${receivers} receivers)`, kind, latency.p50);
          record(`paced p99 ms (${receivers} receivers)`, kind, latency.p99);
          record(`paced max ms (${receivers} receivers)`, kind, latency.max);
        }
        if (runs('storm')) {
          await settled([relay.pid], 10_000);
          record('join storm ms (1,000 clients, 50 messages history)', kind, await joinStorm(relay.url));
        }
      } finally {
        await relay.stop();
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS}: ${kind} done\n`);
    }
  }
  for (let round = 0; round < (runs('memory') ? ROUNDS : 0); round++) {
    for (const kind of inTurn(round)) {
      const relay = await start(kind, env(kind), MEMORY_NODE_ARGS);
      try {
        record('idle memory KB per joined connection (5,000, rooms of 50)', kind, await idleMemory(relay));
      } finally {
        await relay.stop();
      }
    }
    process.stderr.write(`memory round ${round + 1}/${ROUNDS} done\n`);
  }
  if (runs('cross')) process.stderr.write('cross-relay latency…\n');
  const cross = runs('cross') ? await crossRelay() : undefined;
  if (runs('webhook')) process.stderr.write('a dead webhook receiver…\n');
  const webhook = runs('webhook') ? await deadWebhook(wordsFile) : undefined;
  const words = runs('words') ? blockedWordCost() : undefined;
  const attacks: AttackRun[] = [];
  if (runs('attacks')) for (let round = 0; round < ROUNDS; round++) attacks.push(await attackRound());
  await receiver.close();
  rmSync(folder, { recursive: true, force: true });

  // The scale sections (scale.ts): each relay once, the rounds within it.
  const scale: { scale10k?: Record<Kind, ScaleRun>; idle20k?: Record<Kind, IdleRun>; three?: ThreeRun } = {};
  if (named('scale10k')) scale.scale10k = { bare: await scale10k('bare', ROUNDS), 'live-chat': await scale10k('live-chat', ROUNDS) };
  if (named('idle20k')) scale.idle20k = { bare: await idle20k('bare'), 'live-chat': await idle20k('live-chat') };
  if (named('three') && (await servicesReachable())) scale.three = await three(POSTGRES, REDIS, ROUNDS);

  // The targets: the text shown, and the test of (bare, ours).
  const targets: Record<string, [string, (bare: number, ours: number) => boolean]> = {
    'fan-out deliveries/s (100 receivers, 5 senders)': ['≥ 1.0× bare', (bare, ours) => ours >= bare],
    'relay CPU ms per 1,000 deliveries (fan-out)': ['≤ 1.1× bare', (bare, ours) => ours <= 1.1 * bare],
    'paced p99 ms (100 receivers)': ['≤ bare + 3 ms', (bare, ours) => ours <= bare + 3],
    'paced p99 ms (1000 receivers)': ['≤ 50 ms', (_, ours) => ours <= 50],
    'idle memory KB per joined connection (5,000, rooms of 50)': ['≤ 0.7× bare', (bare, ours) => ours <= 0.7 * bare],
    'join storm ms (1,000 clients, 50 messages history)': ['≤ 1.2× bare', (bare, ours) => ours <= 1.2 * bare],
  };
  const rows: Row[] = Object.entries(samples).map(([metric, byKind]) => {
    const bare = median(byKind.bare);
    const ours = median(byKind['live-chat']);
    const [target = '', meets] = targets[metric] ?? [];
    return {
      metric,
      bare,
      ours,
      unit: metric.includes('ms') ? 'ms' : metric.includes('KB') ? 'KB' : '/s',
      better: metric.startsWith('fan-out') ? 'higher' : 'lower',
      target,
      met: meets?.(bare, ours),
    };
  });
  rows.push(...scaleRows(scale.scale10k, scale.idle20k));
  const size = widgetSize();
  const lines = [
    `| metric (median of ${ROUNDS} rounds) | bare Socket.IO | live-chat | ratio | target | met |`,
    '|---|---:|---:|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.metric} | ${fmt(r.bare)} | ${fmt(r.ours)} | ${(r.ours / r.bare).toFixed(2)}× | ${r.target} | ${r.met === undefined ? '' : r.met ? 'yes' : 'no'} |`,
    ),
    `| widget /live-chat.js | | ${size.raw} B raw, ${size.gzip} B gzip, ${size.brotli} B brotli | | ≤ 25 KB gzip | ${size.gzip <= 25_000 ? 'yes' : size.gzip <= 25_600 ? 'under 25 KiB, not 25,000 B' : 'no'} |`,
  ];
  if (words) {
    const met = words.microseconds <= 5;
    lines.push(`| blocked words: check of one message, ${words.entries} entries | | ${words.microseconds.toFixed(2)} µs | | ≤ 5 µs | ${met ? 'yes' : 'no'} |`);
    const worstMs = words.worstMicroseconds / 1000;
    lines.push(`| blocked words: worst case (500 adversarial phrases, 2,000 adversarial characters) | | ${worstMs.toFixed(3)} ms | | ≤ 1 ms | ${worstMs <= 1 ? 'yes' : 'no'} |`);
  }
  if (webhook) {
    const delta = webhook.dead.p99 - webhook.live.p99;
    lines.push(
      '',
      '| webhook receiver (100 receivers, 20 msg/s) | p50 ms | p99 ms | max ms | delivered |',
      '|---|---:|---:|---:|---:|',
      latencyRow('answering', webhook.live),
      latencyRow('hanging (never answers)', webhook.dead),
      `| p99 change (target < 1 ms) | | ${delta >= 0 ? '+' : ''}${delta.toFixed(2)} ms | | ${delta < 1 ? 'met' : 'not met'} |`,
    );
  }
  if (cross) {
    lines.push(
      '',
      '| cross-relay (PostgreSQL + Redis, 100 receivers, 20 msg/s) | p50 ms | p99 ms | max ms | delivered |',
      '|---|---:|---:|---:|---:|',
      latencyRow('one relay', cross.one),
      latencyRow('two relays (half the receivers on the other)', cross.two),
    );
  }
  if (scale.three) lines.push('', ...threeLines(scale.three, ROUNDS));
  if (attacks.length > 0) lines.push('', ...attackLines(attacks));
  const machine = `${(await import('node:os')).cpus().length} × ${(await import('node:os')).cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  console.log(`\nlive-chat benchmark on ${machine}\n\n${lines.join('\n')}\n`);
  const out = join(root, 'bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), JSON.stringify({ machine, rounds: ROUNDS, rows, widget: size, blockedWords: words, crossRelay: cross, deadWebhook: webhook, scale, attacks, samples }, null, 2));
  writeFileSync(join(out, 'latest.svg'), svg(rows.filter((r) => !r.metric.startsWith('paced max'))));
  console.log(`wrote bench/results/latest.json and latest.svg`);
  // The widget in a browser (bench/widget.ts, about 3 minutes; BENCH_ONLY=widget
  // for it alone): its rows join latest.json as widgetRows, its chart is widget.svg.
  if (runs('widget')) await (await import('./widget.js')).benchWidget();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
