/**
 * A bench helper process: joins `count` receivers to one room and counts the
 * messages they get between the parent's "start" and "stop", and, for
 * messages whose text is a send time (ms on the machine's clock, as
 * `performance.timeOrigin + performance.now()` gives in every process), how
 * long each took to arrive. The benches spread their receivers over a few of
 * these, so that decoding on the client side is not one thread that bounds
 * or delays what either relay can show.
 *
 * Usage (through fork): receivers.ts <url> <count> <room>
 */
import { joined } from './clients.js';

const [url, countArg, room] = process.argv.slice(2) as [string, string, string];
const send = (message: object, then?: () => void) => process.send!(message, undefined, {}, () => then?.());

const sockets = await Promise.all(Array.from({ length: Number(countArg) }, (_, i) => joined(url, room, `r${process.pid}-${i}`)));
let counting = false;
let deliveries = 0;
const latencies: number[] = [];
const now = () => performance.timeOrigin + performance.now();
for (const socket of sockets) {
  socket.on('message', (message: { text: string }) => {
    if (!counting) return;
    deliveries++;
    const sentAt = Number(message.text);
    if (sentAt > 0) latencies.push(now() - sentAt);
  });
}
process.on('message', (command) => {
  if (command === 'start') {
    deliveries = 0;
    latencies.length = 0;
    counting = true;
  } else if (command === 'stop') {
    counting = false;
    for (const socket of sockets) socket.disconnect();
    // Disconnect once the (possibly large) reply has gone out, not before.
    send({ deliveries, latencies }, () => process.disconnect());
  }
});
send({ ready: true });
