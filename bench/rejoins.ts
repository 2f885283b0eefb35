/**
 * Re-joins that ask for everything: in a room of 800 messages of 1,000
 * characters, 4 guests re-join with `{ limit: 200, sinceRev: 0 }` (200
 * messages and up to 500 `changed`) as fast as the relay lets them, while a
 * control pair in the same room measures send→receive latency. The same
 * rounds with 4 guests re-joining plainly (`{ limit: 200 }`), and with
 * nobody re-joining, for comparison. Prints the median of the rounds' p99
 * (and p50), and how many joins were answered and refused: figures, never
 * a pass/fail.
 *
 *   npm run build --silent && node --import tsx bench/rejoins.ts   (BENCH_ROUNDS=5 BENCH_SECONDS=10)
 *
 * The relay runs with RATE_LIMIT=100/10s so the control sender (8 messages
 * a second) is never refused; that also lets each connection make 200
 * requests per 10 s, so the re-joiners are limited by what the relay
 * allows them in bytes, or by how fast it answers.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { start } from './relay-process.js';
import { median, quantile, sleep } from './stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const KEY = 'bench-admin-key-0123456789';
const ROOM = 'rejoins';

async function guest(url: string, name: string, address: string): Promise<Socket> {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { name, clientId: `bench-${name}` },
    extraHeaders: { 'x-forwarded-for': address },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const ack = await socket.timeout(30_000).emitWithAck('join', { room: ROOM });
  if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
  return socket;
}

type Mode = 'none' | 'plain' | 'sinceRev 0';

async function round(url: string, mode: Mode) {
  const sender = await guest(url, 'control-sender', '198.51.100.1');
  const receiver = await guest(url, 'control-receiver', '198.51.100.2');
  const joiners = mode === 'none' ? [] : await Promise.all([0, 1, 2, 3].map((i) => guest(url, `joiner-${i}`, '203.0.113.66')));
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  receiver.on('message', (m: { clientMsgId?: string }) => {
    const at = m.clientMsgId && sentAt.get(m.clientMsgId);
    if (at) latencies.push(performance.now() - at);
  });
  let running = true;
  let answered = 0;
  let refused = 0;
  const request = mode === 'plain' ? { room: ROOM, limit: 200 } : { room: ROOM, limit: 200, sinceRev: 0 };
  const loops = joiners.map(async (socket) => {
    while (running) {
      const ack = await socket.timeout(30_000).emitWithAck('join', request).catch(() => undefined);
      if (ack?.ok) answered++;
      else {
        refused++;
        await sleep(Math.min(ack?.error?.retryAfterMs ?? 100, 1000));
      }
    }
  });
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  while (performance.now() < end) {
    const clientMsgId = `bench-control-${Date.now()}-${n++}`;
    sentAt.set(clientMsgId, performance.now());
    sender.emit('send', { room: ROOM, text: 'control', clientMsgId }, () => {});
    await sleep(125);
  }
  running = false;
  await Promise.all(loops);
  await sleep(500);
  for (const s of [sender, receiver, ...joiners]) s.disconnect();
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), received: latencies.length, sent: n, answered, refused };
}

const relay = await start('live-chat', { RATE_LIMIT: '100/10s', ADMIN_API_KEY: KEY, TRUST_PROXY: 'loopback' });
try {
  // 800 messages of 1,000 characters, through the admin API (not rate limited).
  const text = 'x'.repeat(1000);
  for (let i = 0; i < 800; i++) {
    const response = await fetch(`${relay.url}/api/rooms/${ROOM}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: `${i} ${text}`.slice(0, 1000), author: { id: 'filler', name: 'Filler' } }),
    });
    if (response.status !== 201) throw new Error(`fill: ${response.status}`);
  }
  const results: Record<Mode, Awaited<ReturnType<typeof round>>[]> = { none: [], plain: [], 'sinceRev 0': [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of ['none', 'plain', 'sinceRev 0'] as Mode[]) results[mode].push(await round(relay.url, mode));
  }
  console.log(`control send→receive while 4 guests re-join, room of 800 × 1,000 characters; ${ROUNDS} rounds of ${SECONDS} s, medians`);
  for (const [mode, rs] of Object.entries(results)) {
    const m = (f: (x: (typeof rs)[number]) => number) => median(rs.map(f));
    console.log(
      `${`re-joins: ${mode}`.padEnd(22)} p99 ${m((x) => x.p99).toFixed(1).padStart(6)} ms  p50 ${m((x) => x.p50).toFixed(1).padStart(5)} ms` +
        `  received ${m((x) => x.received)}/${m((x) => x.sent)}  joins answered ${m((x) => x.answered)}, refused ${m((x) => x.refused)} per round` +
        `  (p99 of each round: ${rs.map((x) => x.p99.toFixed(0)).join(', ')})`,
    );
  }
} finally {
  await relay.stop();
}
