/**
 * A bench helper process for the scale sections: holds `count` lean
 * connections (lean-client.ts), each joined to a room, and, between the
 * parent's "start" and "stop", counts the messages they get and how long
 * each took from its send time (its text) to arrive.
 *
 * Connections are opened `concurrency` at a time, so that a few helpers
 * together do not overrun the relay's accept queue (Node's listen backlog is
 * 511) and a join storm does not turn into timeouts.
 *
 * Usage (through fork, with serialization "advanced"): lean-receivers.ts <json>
 * where json is { url, count, room, roomSize?, offset?, concurrency? }:
 * connection i joins `room`, or with roomSize `${room}-${floor((offset + i) / roomSize)}`.
 *
 * Messages to the parent: { ready, connected, failed, errors, ms } once all
 * have been tried; { deliveries, latencies, dropped, cpuMs } after "stop".
 * "close" closes every connection and exits.
 */
import { performance } from 'node:perf_hooks';
import { type LeanSocket, leanJoined, sentAt } from './lean-client.js';

interface Options {
  url: string;
  count: number;
  room: string;
  roomSize?: number;
  offset?: number;
  concurrency?: number;
}

const { url, count, room, roomSize, offset = 0, concurrency = 50 } = JSON.parse(process.argv[2]!) as Options;
const reply = (message: object, then?: () => void) => process.send!(message, undefined, {}, () => then?.());

let counting = false;
let deliveries = 0;
let timed = 0;
let latencies = new Float64Array(1 << 16);
const now = () => performance.timeOrigin + performance.now();
const onMessage = (frame: Buffer) => {
  if (!counting) return;
  const at = sentAt(frame);
  if (at > 0) {
    if (timed === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[timed++] = now() - at;
  }
  deliveries++;
};

const sockets: LeanSocket[] = [];
const errors = new Map<string, number>();
let failed = 0;
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      const target = roomSize ? `${room}-${Math.floor((offset + i) / roomSize)}` : room;
      try {
        sockets.push(await leanJoined(url, target, `l${offset + i}`, onMessage));
      } catch (error) {
        failed++;
        const why = (error as Error).message;
        errors.set(why, (errors.get(why) ?? 0) + 1);
      }
    }
  }),
);
reply({ ready: true, connected: sockets.length, failed, errors: Object.fromEntries(errors), ms: performance.now() - started });

let cpuAtStart = process.cpuUsage();
process.on('message', (command) => {
  if (command === 'start') {
    deliveries = 0;
    timed = 0;
    counting = true;
    cpuAtStart = process.cpuUsage();
  } else if (command === 'stop') {
    counting = false;
    const cpu = process.cpuUsage(cpuAtStart);
    reply({
      deliveries,
      latencies: latencies.slice(0, timed),
      dropped: sockets.filter((s) => s.dropped).length,
      cpuMs: (cpu.user + cpu.system) / 1000,
    });
  } else if (command === 'close') {
    for (const socket of sockets) socket.close();
    process.disconnect();
  }
});
