/**
 * npm run soak: thousands of connections with churn for several minutes
 * against the built relay (SQLite), watching what an operator would watch on
 * /metrics: resident memory, heap, open file descriptors, connections and
 * rooms. Memory and descriptors should stay flat while the load is steady,
 * and connections, rooms and descriptors return to where they started once
 * every client has gone. A control pair chats through it all and must get
 * every message, once, in order. Prints figures; never a pass/fail on time.
 *
 * The figures compare minute 4 (the first minutes are warm-up: caches,
 * JIT, the heap finding its size) with the last minute. (Connection-state
 * recovery, which once kept departed sessions for 2 minutes, is off.)
 *
 * SOAK_MINUTES (default 10), SOAK_CONNECTIONS (3000), SOAK_CHURN (connections
 * replaced per second, 50), SOAK_RATE (messages per second, 20).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { root } from '../server/paths.js';
import { joined } from './clients.js';
import { start } from './relay-process.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 3000);
const CHURN = Number(process.env.SOAK_CHURN ?? 50);
const RATE = Number(process.env.SOAK_RATE ?? 20);
const ROOM_SIZE = 50;
const SAMPLE_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

let names = 0;
let ids = 0;
const rooms = new Map<Socket, string>();
const roomOf = (i: number) => `soak-${i % Math.ceil(CONNECTIONS / ROOM_SIZE)}`;

/** A new member of `room`, remembered with it (senders send into their own room). */
async function member(url: string, room: string): Promise<Socket> {
  const socket = await joined(url, room, `s${++names}`);
  rooms.set(socket, room);
  return socket;
}

interface Sample {
  seconds: number;
  connections: number;
  rooms: number;
  rssMb: number;
  heapMb: number;
  fds: number;
}

async function sample(url: string, started: number): Promise<Sample> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const metric = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    seconds: Math.round((performance.now() - started) / 1000),
    connections: metric('live_chat_connections'),
    rooms: metric('live_chat_rooms'),
    rssMb: metric('live_chat_process_resident_memory_bytes') / 2 ** 20,
    heapMb: metric('live_chat_nodejs_heap_size_used_bytes') / 2 ** 20,
    fds: metric('live_chat_process_open_fds'),
  };
}

const row = (s: Sample) =>
  `| ${s.seconds} | ${s.connections} | ${s.rooms} | ${s.rssMb.toFixed(1)} | ${s.heapMb.toFixed(1)} | ${s.fds} |`;

async function main(): Promise<void> {
  const relay = await start('live-chat');
  const started = performance.now();
  const baseline = await sample(relay.url, started);
  console.log(`soak: ${CONNECTIONS} connections in rooms of ${ROOM_SIZE}, ${CHURN}/s replaced, ${RATE} msg/s, ${MINUTES} min`);
  console.log('\n| s | connections | rooms | RSS MB | heap MB | fds |\n|---:|---:|---:|---:|---:|---:|');
  console.log(row(baseline));

  // The control pair: every message alice sends must reach bob once, in order.
  const alice = await member(relay.url, 'soak-control');
  const bob = await member(relay.url, 'soak-control');
  const got: number[] = [];
  bob.on('message', (m: { room: string; text: string }) => m.room === 'soak-control' && got.push(Number(m.text)));
  let controlSent = 0;

  const clients: Socket[] = [];
  for (let i = 0; i < CONNECTIONS; i += 100) {
    clients.push(...(await Promise.all(Array.from({ length: Math.min(100, CONNECTIONS - i) }, (_, j) => member(relay.url, roomOf(i + j))))));
  }

  const samples: Sample[] = [];
  let failures = 0;
  let replaced = 0;
  let sent = 0;
  const until = performance.now() + MINUTES * 60_000;
  let nextSample = performance.now() + SAMPLE_MS;
  while (performance.now() < until) {
    const tick = performance.now();
    // Churn: the oldest connections leave, new ones join (with history).
    const leaving = clients.splice(0, CHURN);
    leaving.forEach((s) => {
      s.disconnect();
      rooms.delete(s);
    });
    const arriving = await Promise.allSettled(leaving.map(() => member(relay.url, roomOf(replaced++))));
    for (const r of arriving) r.status === 'fulfilled' ? clients.push(r.value) : failures++;
    // Traffic: RATE messages from random members into their rooms, and one on the control pair.
    for (let i = 0; i < RATE; i++) {
      const sender = clients[Math.floor(Math.random() * clients.length)]!;
      sender.emit('send', { room: rooms.get(sender)!, text: 'soak', clientMsgId: `soak-${++ids}-x` }, (ack: { ok: boolean }) => {
        if (!ack.ok) failures++;
      });
      sent++;
    }
    const ack = await alice.timeout(10_000).emitWithAck('send', { room: 'soak-control', text: String(++controlSent), clientMsgId: `control-${controlSent}-x` });
    if (!ack.ok) failures++;
    if (performance.now() >= nextSample) {
      nextSample += SAMPLE_MS;
      const s = await sample(relay.url, started);
      samples.push(s);
      console.log(row(s));
    }
    await sleep(Math.max(0, 1000 - (performance.now() - tick)));
  }

  // Everyone leaves: what the relay holds should go back to the baseline.
  [...clients, alice, bob].forEach((s) => s.disconnect());
  await sleep(5000);
  const after = await sample(relay.url, started);
  console.log(row(after));
  await relay.stop();

  // Compare minute 4 (after warm-up) with the last minute.
  const perMinute = 60_000 / SAMPLE_MS;
  const early = samples.slice(3 * perMinute, 4 * perMinute);
  const late = samples.slice(-perMinute);
  const summary = (key: keyof Sample) => ({ early: median(early.map((s) => s[key])), late: median(late.map((s) => s[key])) });
  const inOrder = got.every((n, i) => n === i + 1);
  const result = {
    minutes: MINUTES,
    connections: CONNECTIONS,
    churnPerSecond: CHURN,
    messagesPerSecond: RATE,
    replaced,
    sent,
    failures,
    control: { sent: controlSent, received: got.length, inOrder },
    rssMb: summary('rssMb'),
    heapMb: summary('heapMb'),
    fds: summary('fds'),
    baseline,
    after,
    samples,
  };
  console.log(`
| figure | minute 4 (median) | last minute (median) |
|---|---:|---:|
| RSS MB | ${result.rssMb.early.toFixed(1)} | ${result.rssMb.late.toFixed(1)} |
| heap MB | ${result.heapMb.early.toFixed(1)} | ${result.heapMb.late.toFixed(1)} |
| open fds | ${result.fds.early} | ${result.fds.late} |

${replaced} connections replaced, ${sent} messages sent, ${failures} failed joins or sends.
Control pair: ${got.length}/${controlSent} received, ${inOrder ? 'in order, once each' : 'NOT in order or duplicated'}.
After every client left: ${after.connections} connections, ${after.rooms} rooms, ${after.fds} fds (baseline ${baseline.fds}).`);
  const out = join(root, 'bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'soak.json'), JSON.stringify(result, null, 2));
  console.log('wrote bench/results/soak.json');
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
