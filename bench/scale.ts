/**
 * The scale sections of `npm run bench` (Performance II), on lean clients
 * (lean-client.ts) held by helper processes (lean-receivers.ts):
 *
 * - scale10k: one room of 10,000 receivers (BENCH_SCALE_RECEIVERS) on one
 *   relay, one sender at 5 msg/s; latency from send to each receiver, and how much arrived.
 *   The receivers join once per relay; each round is a 10 s window on them.
 * - idle20k: as many idle joined connections (rooms of 50) as one relay
 *   process can hold under its open-file limit, up to 20,000; its resident
 *   memory, per connection, and extrapolated to 20,000. Once per relay.
 * - three: three live-chat relays on PostgreSQL + Redis; 1,000 receivers
 *   (BENCH_THREE_RECEIVERS) all on the sender's relay against the same
 *   spread over the three.
 *
 * Never a pass/fail: each figure is printed against its target.
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { root } from '../server/paths.js';
import type { Row } from './chart.js';
import { joined } from './clients.js';
import { clusterEnv } from './cluster-env.js';
import { cpuMs, type Kind, type Relay, rssKb, settled, start } from './relay-process.js';
import { median, quantileOfSorted, sleep } from './stats.js';

const progress = (line: string) => process.stderr.write(`${line}\n`);

interface Stopped {
  deliveries: number;
  latencies: Float64Array;
  dropped: number;
  cpuMs: number;
}

interface Group {
  connected: number;
  failed: number;
  errors: Record<string, number>;
  ms: number;
  start(): void;
  stop(): Promise<Stopped>;
  close(): Promise<void>;
}

/** One lean-receivers.ts process, once it has tried all its connections. */
async function group(options: { url: string; count: number; room: string; roomSize?: number; offset?: number; concurrency?: number }): Promise<Group> {
  const child = fork(join(root, 'bench/lean-receivers.ts'), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`lean receivers exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message as T);
      });
    });
  const ready = await next<{ connected: number; failed: number; errors: Record<string, number>; ms: number }>();
  return {
    ...ready,
    start: () => child.send('start'),
    async stop() {
      const reply = next<Stopped>();
      child.send('stop');
      return reply;
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('close');
      await exited;
    },
  };
}

/** `count` receivers over `processes` helpers, the helpers spread evenly over `urls`. */
async function receivers(urls: string[], count: number, room: string, processes: number, roomSize?: number, concurrency?: number): Promise<Group[]> {
  const share = (k: number) => Math.floor(count / processes) + (k < count % processes ? 1 : 0);
  const offsets = Array.from({ length: processes }, (_, k) => Array.from({ length: k }, (_, j) => share(j)).reduce((a, b) => a + b, 0));
  const groups = await Promise.all(
    offsets.map((offset, k) => group({ url: urls[k % urls.length]!, count: share(k), room, roomSize, offset, concurrency })),
  );
  const failed = groups.reduce((sum, g) => sum + g.failed, 0);
  if (failed) {
    const errors: Record<string, number> = {};
    for (const g of groups) for (const [why, n] of Object.entries(g.errors)) errors[why] = (errors[why] ?? 0) + n;
    progress(`  ${failed} of ${count} connections failed: ${JSON.stringify(errors)}`);
  }
  return groups;
}

const connectedOf = (groups: Group[]) => groups.reduce((sum, g) => sum + g.connected, 0);
const closeGroups = (groups: Group[]) => Promise.all(groups.map((g) => g.close()));

export interface Latency {
  p50: number;
  p99: number;
  max: number;
  /** Deliveries over messages sent × receivers connected. */
  delivered: number;
  /** Receivers the relay dropped during the window. */
  dropped: number;
  /** CPU time over the window's wall time, in cores (1 = one core busy). */
  relayCores: number;
  clientCores: number;
  /** The sender's acks: median and slowest, ms (the relay's send path, storage included). */
  ackP50: number;
  ackMax: number;
}

/**
 * One window: `sender` sends `rate` messages a second for `seconds`, each
 * with its send time as text; the receivers in `groups` time each arrival.
 * The sender's own copies are not counted.
 */
async function window(sender: Socket, room: string, groups: Group[], relayPids: number[], rate: number, seconds: number): Promise<Latency> {
  // What the last window left to write (late messages) is not this one's.
  await settled(relayPids, 60_000);
  groups.forEach((g) => g.start());
  await sleep(200); // the "start" has reached every helper
  const relayCpu = () => relayPids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const cpuBefore = relayCpu();
  const started = performance.now();
  const total = rate * seconds;
  const acks: number[] = [];
  for (let i = 0; i < total; i++) {
    const sentAt = performance.timeOrigin + performance.now();
    const emitted = performance.now();
    sender.emit('send', { room, text: String(sentAt), clientMsgId: `scale-${process.pid}-${Math.round(sentAt * 1000)}-${i}` }, () => acks.push(performance.now() - emitted));
    // On schedule, not 1000/rate after each send: a late timer does not slow the rate.
    await sleep(Math.max(0, started + ((i + 1) * 1000) / rate - performance.now()));
  }
  await sleep(2000); // the last message's stragglers
  const elapsed = performance.now() - started;
  const relayCores = (relayCpu() - cpuBefore) / elapsed;
  const stopped = await Promise.all(groups.map((g) => g.stop()));
  const all = new Float64Array(stopped.reduce((sum, s) => sum + s.latencies.length, 0));
  let at = 0;
  for (const s of stopped) {
    all.set(s.latencies, at);
    at += s.latencies.length;
  }
  all.sort();
  const deliveries = stopped.reduce((sum, s) => sum + s.deliveries, 0);
  return {
    p50: quantileOfSorted(all, 0.5),
    p99: quantileOfSorted(all, 0.99),
    max: all.at(-1) ?? NaN,
    delivered: deliveries / (total * connectedOf(groups)),
    dropped: stopped.reduce((sum, s) => sum + s.dropped, 0),
    relayCores,
    clientCores: stopped.reduce((sum, s) => sum + s.cpuMs, 0) / elapsed,
    ackP50: median(acks),
    ackMax: Math.max(...acks),
  };
}

const SCALE_RECEIVERS = Number(process.env.BENCH_SCALE_RECEIVERS ?? 10_000);
const SCALE_RATE = 5;
const SCALE_SECONDS = 10;
/** Helper processes holding the receivers: 2,500 connections each. */
const SCALE_PROCESSES = 4;
/**
 * Joins in flight per helper: more at once makes the storm shorter, and
 * with it the time live-chat spends announcing arrivals to the room (it
 * batches them by the room's size, server/socket/presence.ts).
 */
const SCALE_CONCURRENCY = 100;

export interface ScaleRun {
  kind: Kind;
  receivers: number;
  /** Wall time to connect and join them all, ms. */
  joinMs: number;
  /** Then until the relay was quiet (see settled()), ms. */
  settleMs: number;
  rounds: Latency[];
}

/** scale10k on a fresh relay of `kind`: join once, then `rounds` windows. */
export async function scale10k(kind: Kind, rounds: number): Promise<ScaleRun> {
  const relay = await start(kind);
  const room = 'scale';
  let groups: Group[] = [];
  try {
    const joinStarted = performance.now();
    groups = await receivers([relay.url], SCALE_RECEIVERS, room, SCALE_PROCESSES, undefined, SCALE_CONCURRENCY);
    const joinMs = performance.now() - joinStarted;
    progress(`  scale10k ${kind}: ${connectedOf(groups)} joined in ${(joinMs / 1000).toFixed(1)} s`);
    const sender = await joined(relay.url, room, 'scale-sender');
    const settleMs = await settled([relay.pid]);
    progress(`  scale10k ${kind}: quiet ${(settleMs / 1000).toFixed(1)} s later`);
    const windows: Latency[] = [];
    for (let round = 0; round < rounds; round++) {
      const w = await window(sender, room, groups, [relay.pid], SCALE_RATE, SCALE_SECONDS);
      progress(`  scale10k ${kind} round ${round + 1}: p50 ${w.p50.toFixed(1)} ms, p99 ${w.p99.toFixed(1)} ms, delivered ${(w.delivered * 100).toFixed(2)} %, acks p50 ${w.ackP50.toFixed(1)} ms max ${w.ackMax.toFixed(0)} ms, relay ${w.relayCores.toFixed(2)} cores, clients ${w.clientCores.toFixed(2)}`);
      windows.push(w);
    }
    sender.disconnect();
    return { kind, receivers: connectedOf(groups), joinMs, settleMs, rounds: windows };
  } finally {
    await closeGroups(groups);
    await relay.stop();
  }
}

/** Open files a process may hold (its soft RLIMIT_NOFILE), from /proc. */
function fileLimit(pid: number): number {
  return Number(/^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))![1]);
}
const openFiles = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

/**
 * Descriptors left free in the relay beyond the connections: SQLite's
 * journal, a log write, the odd accept in flight. Without any, a relay at its
 * limit refuses the next accept (EMFILE) and the figures stop meaning memory.
 */
const FD_HEADROOM = 100;
const IDLE_TARGET = 20_000;
const IDLE_ROOM_SIZE = 50;
const IDLE_PROCESSES = 4;

export interface IdleRun {
  kind: Kind;
  /** The relay's open-file limit, and its open files before any client. */
  fileLimit: number;
  baseFds: number;
  /** Connections tried (the most that fit) and those joined. */
  attempted: number;
  connected: number;
  joinMs: number;
  rssBeforeKb: number;
  rssAfterKb: number;
  perConnectionKb: number;
  /** rssAfter + (20,000 − connected) × perConnection. */
  extrapolatedMb: number;
}

/** idle20k on a fresh relay of `kind`. */
export async function idle20k(kind: Kind): Promise<IdleRun> {
  const relay: Relay = await start(kind);
  let groups: Group[] = [];
  try {
    await sleep(1000);
    const limit = fileLimit(relay.pid);
    const baseFds = openFiles(relay.pid);
    const attempted = Math.min(IDLE_TARGET, limit - baseFds - FD_HEADROOM);
    const rssBeforeKb = rssKb(relay.pid);
    const joinStarted = performance.now();
    groups = await receivers([relay.url], attempted, 'idle', IDLE_PROCESSES, IDLE_ROOM_SIZE);
    const joinMs = performance.now() - joinStarted;
    await sleep(5000);
    const connected = connectedOf(groups);
    const rssAfterKb = rssKb(relay.pid);
    const perConnectionKb = (rssAfterKb - rssBeforeKb) / connected;
    const run = {
      kind,
      fileLimit: limit,
      baseFds,
      attempted,
      connected,
      joinMs,
      rssBeforeKb,
      rssAfterKb,
      perConnectionKb,
      extrapolatedMb: (rssAfterKb + (IDLE_TARGET - connected) * perConnectionKb) / 1024,
    };
    progress(`  idle20k ${kind}: ${connected}/${attempted} joined in ${(joinMs / 1000).toFixed(1)} s (fds ${baseFds} → ${openFiles(relay.pid)} of ${limit}), RSS ${(rssBeforeKb / 1024).toFixed(0)} → ${(rssAfterKb / 1024).toFixed(0)} MiB, ${perConnectionKb.toFixed(2)} KiB each`);
    return run;
  } finally {
    await closeGroups(groups);
    await relay.stop();
  }
}

const THREE_RECEIVERS = Number(process.env.BENCH_THREE_RECEIVERS ?? 1000);
const THREE_RATE = 20;
const THREE_SECONDS = 5;

export interface ThreeRun {
  receivers: number;
  one: Latency[];
  three: Latency[];
}

/**
 * three: three relays sharing PostgreSQL (a schema of their own at
 * `postgres`) and Redis (keys under a prefix of their own); a sender on the
 * first. Two rooms are held at once: one whose receivers are all on the
 * sender's relay, one whose receivers are spread over the three; the rounds
 * alternate between them.
 */
export async function three(postgres: string, redis: string, rounds: number): Promise<ThreeRun> {
  const { env, drop } = await clusterEnv(postgres, redis, 'three');
  try {
    return await threeRelays(env, rounds);
  } finally {
    await drop();
  }
}

async function threeRelays(env: Record<string, string>, rounds: number): Promise<ThreeRun> {
  const relays = [await start('live-chat', env), await start('live-chat', env), await start('live-chat', env)];
  const urls = relays.map((r) => r.url);
  const pids = relays.map((r) => r.pid);
  let oneGroups: Group[] = [];
  let threeGroups: Group[] = [];
  try {
    oneGroups = await receivers([urls[0]!], THREE_RECEIVERS, 'one', 3);
    threeGroups = await receivers(urls, THREE_RECEIVERS, 'three', 3);
    const senderOne = await joined(urls[0]!, 'one', 'one-sender');
    const senderThree = await joined(urls[0]!, 'three', 'three-sender');
    const settleMs = await settled(pids);
    progress(`  three: ${connectedOf(oneGroups)} + ${connectedOf(threeGroups)} joined, quiet ${(settleMs / 1000).toFixed(1)} s later`);
    const run: ThreeRun = { receivers: THREE_RECEIVERS, one: [], three: [] };
    for (let round = 0; round < rounds; round++) {
      const one = await window(senderOne, 'one', oneGroups, pids, THREE_RATE, THREE_SECONDS);
      const spread = await window(senderThree, 'three', threeGroups, pids, THREE_RATE, THREE_SECONDS);
      progress(`  three round ${round + 1}: p99 one relay ${one.p99.toFixed(1)} ms, three ${spread.p99.toFixed(1)} ms; delivered ${(one.delivered * 100).toFixed(2)} %, ${(spread.delivered * 100).toFixed(2)} %; acks p50 ${one.ackP50.toFixed(1)}, ${spread.ackP50.toFixed(1)} ms, max ${one.ackMax.toFixed(0)}, ${spread.ackMax.toFixed(0)} ms; relays ${one.relayCores.toFixed(2)}, ${spread.relayCores.toFixed(2)} cores`);
      run.one.push(one);
      run.three.push(spread);
    }
    senderOne.disconnect();
    senderThree.disconnect();
    return run;
  } finally {
    await closeGroups([...oneGroups, ...threeGroups]);
    for (const relay of relays) await relay.stop();
  }
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
const lowest = (xs: number[]) => Math.min(...xs);

/**
 * The rows of scale10k and idle20k for the bench's table and chart (bare
 * against live-chat, each with its target), from one run of each kind.
 */
export function scaleRows(scale: Record<Kind, ScaleRun> | undefined, idle: Record<Kind, IdleRun> | undefined): Row[] {
  const rows: Row[] = [];
  if (scale) {
    const n = scale['live-chat'].receivers.toLocaleString('en');
    const of = (kind: Kind, pick: (l: Latency) => number) => median(scale[kind].rounds.map(pick));
    rows.push(
      { metric: `scale p50 ms (${n} receivers, one room, ${SCALE_RATE} msg/s)`, bare: of('bare', (l) => l.p50), ours: of('live-chat', (l) => l.p50), unit: 'ms', better: 'lower', target: '' },
      { metric: `scale p99 ms (${n} receivers, one room, ${SCALE_RATE} msg/s)`, bare: of('bare', (l) => l.p99), ours: of('live-chat', (l) => l.p99), unit: 'ms', better: 'lower', target: '≤ 150 ms', met: of('live-chat', (l) => l.p99) <= 150 },
    );
    const delivered = (kind: Kind) => lowest(scale[kind].rounds.map((l) => l.delivered * 100));
    rows.push({ metric: `scale delivered % (lowest round)`, bare: delivered('bare'), ours: delivered('live-chat'), unit: '%', better: 'higher', target: '100 %', met: delivered('live-chat') >= 100 });
    rows.push({ metric: `scale relay CPU, cores busy (${SCALE_RATE} msg/s to ${n})`, bare: of('bare', (l) => l.relayCores), ours: of('live-chat', (l) => l.relayCores), unit: 'cores', better: 'lower', target: '' });
  }
  if (idle) {
    const n = idle['live-chat'].connected.toLocaleString('en');
    rows.push(
      { metric: `idle relay RSS MiB (${n} joined, rooms of ${IDLE_ROOM_SIZE})`, bare: idle.bare.rssAfterKb / 1024, ours: idle['live-chat'].rssAfterKb / 1024, unit: 'MiB', better: 'lower', target: '' },
      { metric: `idle KiB per joined connection (${n})`, bare: idle.bare.perConnectionKb, ours: idle['live-chat'].perConnectionKb, unit: 'KiB', better: 'lower', target: '' },
      { metric: `idle relay RSS MiB extrapolated to 20,000`, bare: idle.bare.extrapolatedMb, ours: idle['live-chat'].extrapolatedMb, unit: 'MiB', better: 'lower', target: '≤ 400 MB', met: idle['live-chat'].extrapolatedMb * 1.048576 <= 400 },
    );
  }
  return rows;
}

/** The three-relay table (live-chat only: the bare relay has no cluster mode). */
export function threeLines(run: ThreeRun, rounds: number): string[] {
  const line = (label: string, ls: Latency[]) =>
    `| ${label} | ${fmt(median(ls.map((l) => l.p50)))} | ${fmt(median(ls.map((l) => l.p99)))} | ${fmt(median(ls.map((l) => l.max)))} | ${(lowest(ls.map((l) => l.delivered)) * 100).toFixed(2)}% |`;
  const one = median(run.one.map((l) => l.p99));
  const spread = median(run.three.map((l) => l.p99));
  return [
    `| three relays (PostgreSQL + Redis, ${run.receivers.toLocaleString('en')} receivers, ${THREE_RATE} msg/s, median of ${rounds}) | p50 ms | p99 ms | max ms | delivered (lowest) |`,
    '|---|---:|---:|---:|---:|',
    line('one relay (all receivers on the sender\'s)', run.one),
    line('three relays (receivers spread evenly)', run.three),
    '',
    `three relays p99 − one relay p99: ${(spread - one).toFixed(2)} ms (target ≤ +5 ms: ${spread <= one + 5 ? 'met' : 'not met'})`,
  ];
}
