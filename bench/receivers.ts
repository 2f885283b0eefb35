/**
 * A bench helper process: joins `count` receivers to one room and counts the
 * messages they get between the parent's "start" and "stop". The fan-out bench
 * spreads its receivers over a few of these, so that decoding on the client
 * side is not one thread that bounds what either relay can show.
 *
 * Usage (through fork): receivers.ts <url> <count> <room>
 */
import { io, type Socket } from 'socket.io-client';

const [url, countArg, room] = process.argv.slice(2) as [string, string, string];
const send = (message: object) => process.send!(message);

async function receiver(i: number): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { name: `r${process.pid}-${i}` } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const ack = await socket.timeout(30_000).emitWithAck('join', { room });
  if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
  return socket;
}

const sockets = await Promise.all(Array.from({ length: Number(countArg) }, (_, i) => receiver(i)));
let counting = false;
let deliveries = 0;
for (const socket of sockets) socket.on('message', () => counting && deliveries++);
process.on('message', (command) => {
  if (command === 'start') {
    deliveries = 0;
    counting = true;
  } else if (command === 'stop') {
    counting = false;
    for (const socket of sockets) socket.disconnect();
    send({ deliveries });
    process.disconnect();
  }
});
send({ ready: true });
