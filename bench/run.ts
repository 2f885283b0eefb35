/**
 * npm run bench: live-chat's relay against a bare Socket.IO relay, started
 * side by side from this process, driven by real socket.io-client clients,
 * alternating, several rounds. Prints a table of medians and ratios, and
 * writes bench/results/latest.json and latest.svg. Never a pass/fail on time.
 *
 * BENCH_ROUNDS (default 3), BENCH_POSTGRES_URL and BENCH_REDIS_URL (default:
 * this machine's, for the cross-relay figures; "off" skips them), BENCH_ONLY
 * (a comma list of fanout, paced, storm, memory, cross; default all).
 */
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { root, widgetDir } from '../server/paths.js';
import { type Row, svg } from './chart.js';
import { connected, joined } from './clients.js';
import { cpuMs, type Kind, type Relay, rssKb, start } from './relay-process.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ONLY = process.env.BENCH_ONLY?.split(',');
const runs = (section: string) => !ONLY || ONLY.includes(section);


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

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
  await Promise.all(
    senders.map(async (s) => {
      while (performance.now() < until) {
        await s.timeout(10_000).emitWithAck('send', { room, text: 'x'.repeat(40), clientMsgId: clientMsgId() });
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuMs(relay.pid) - cpuBefore;
  const deliveries = (await Promise.all(groups.map((g) => g.stop()))).reduce((sum, g) => sum + g.deliveries, 0);
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
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1)!, delivered: sorted.length / (total * receiverCount) };
}

/** 5,000 joined connections in rooms of 50: the relay's memory per connection. */
async function idleMemory(relay: Relay, count = 5000): Promise<number> {
  await sleep(500);
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

async function crossRelay(): Promise<{ one: Latency; two: Latency } | undefined> {
  if (!(await servicesReachable())) return undefined;
  const schema = `bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: POSTGRES });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const database = new URL(POSTGRES);
  database.searchParams.set('options', `-c search_path=${schema}`);
  const env = { DATABASE_URL: database.toString(), REDIS_URL: REDIS, REDIS_PREFIX: `bench-${process.pid}` };
  const a = await start('live-chat', env);
  const b = await start('live-chat', env);
  try {
    const ones = [];
    const twos = [];
    for (let round = 0; round < ROUNDS; round++) {
      ones.push(await paced(a.url, 100, 20, 3, [a.url]));
      twos.push(await paced(a.url, 100, 20, 3, [a.url, b.url]));
    }
    const summarize = (runs: Latency[]): Latency => ({
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      max: median(runs.map((r) => r.max)),
      delivered: Math.min(...runs.map((r) => r.delivered)),
    });
    return { one: summarize(ones), two: summarize(twos) };
  } finally {
    await a.stop();
    await b.stop();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
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

  for (let round = 0; round < ROUNDS; round++) {
    // Alternate who goes first, so neither always runs on a warmer machine.
    for (const kind of round % 2 ? [...kinds].reverse() : kinds) {
      const relay = await start(kind);
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
        if (runs('storm')) record('join storm ms (1,000 clients, 50 messages history)', kind, await joinStorm(relay.url));
      } finally {
        await relay.stop();
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS}: ${kind} done\n`);
    }
  }
  for (const kind of runs('memory') ? kinds : []) {
    const relay = await start(kind);
    try {
      record('idle memory KB per joined connection (5,000, rooms of 50)', kind, await idleMemory(relay));
    } finally {
      await relay.stop();
    }
  }
  if (runs('cross')) process.stderr.write('cross-relay latency…\n');
  const cross = runs('cross') ? await crossRelay() : undefined;

  // The targets: the text shown, and the test of (bare, ours).
  const targets: Record<string, [string, (bare: number, ours: number) => boolean]> = {
    'fan-out deliveries/s (100 receivers, 5 senders)': ['≥ 1.0× bare', (bare, ours) => ours >= bare],
    'relay CPU ms per 1,000 deliveries (fan-out)': ['≤ 1.1× bare', (bare, ours) => ours <= 1.1 * bare],
    'paced p99 ms (100 receivers)': ['≤ bare + 3 ms', (bare, ours) => ours <= bare + 3],
    'paced p99 ms (1000 receivers)': ['≤ 50 ms', (_, ours) => ours <= 50],
    'idle memory KB per joined connection (5,000, rooms of 50)': ['≤ 0.7× bare', (bare, ours) => ours <= 0.7 * bare],
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
  const size = widgetSize();
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
  const lines = [
    `| metric (median of ${ROUNDS} rounds) | bare Socket.IO | live-chat | ratio | target | met |`,
    '|---|---:|---:|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.metric} | ${fmt(r.bare)} | ${fmt(r.ours)} | ${(r.ours / r.bare).toFixed(2)}× | ${r.target} | ${r.met === undefined ? '' : r.met ? 'yes' : 'no'} |`,
    ),
    `| widget /live-chat.js | | ${size.raw} B raw, ${size.gzip} B gzip, ${size.brotli} B brotli | | ≤ 25 KB gzip | ${size.gzip <= 25_000 ? 'yes' : size.gzip <= 25_600 ? 'under 25 KiB, not 25,000 B' : 'no'} |`,
  ];
  if (cross) {
    lines.push(
      '',
      '| cross-relay (PostgreSQL + Redis, 100 receivers, 20 msg/s) | p50 ms | p99 ms | max ms | delivered |',
      '|---|---:|---:|---:|---:|',
      `| one relay | ${fmt(cross.one.p50)} | ${fmt(cross.one.p99)} | ${fmt(cross.one.max)} | ${(cross.one.delivered * 100).toFixed(1)}% |`,
      `| two relays (half the receivers on the other) | ${fmt(cross.two.p50)} | ${fmt(cross.two.p99)} | ${fmt(cross.two.max)} | ${(cross.two.delivered * 100).toFixed(1)}% |`,
    );
  }
  const machine = `${(await import('node:os')).cpus().length} × ${(await import('node:os')).cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  console.log(`\nlive-chat benchmark on ${machine}\n\n${lines.join('\n')}\n`);
  const out = join(root, 'bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), JSON.stringify({ machine, rounds: ROUNDS, rows, widget: size, crossRelay: cross, samples }, null, 2));
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
