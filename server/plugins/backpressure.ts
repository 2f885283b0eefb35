import fp from 'fastify-plugin';
import type { RelaySocket } from '../handlers/context.js';

/**
 * A client that stops reading (a stalled phone, a bot that never reads, a
 * deliberate slowloris) makes Socket.IO keep every message of its rooms for
 * it, without limit: once the socket's kernel buffer is full, each broadcast
 * waits in Engine.IO's write buffer. The rest of the room is not slowed, but
 * the relay's memory grows with every message sent meanwhile.
 *
 * So every CHECK_EVERY_MS the relay looks at what each connection has
 * waiting to go out (Engine.IO's write buffer, plus the WebSocket's
 * `bufferedAmount`) and drops a connection past MAX_QUEUED_BYTES. A client
 * that comes back joins with `since` and gets what it missed from storage,
 * as after any drop. Memory per stalled connection is thus bounded by
 * MAX_QUEUED_BYTES plus what its rooms send in one CHECK_EVERY_MS.
 */
export const MAX_QUEUED_BYTES = 1024 * 1024;
const CHECK_EVERY_MS = 500;

type Connection = RelaySocket['conn'];

/** What Engine.IO keeps internally (typed private there): the packets waiting for the transport. */
interface Internals {
  writeBuffer?: { data?: string | ArrayBufferLike | ArrayBufferView }[];
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
}

/** Bytes waiting to go out on a connection (string lengths for text frames: close enough for a bound). */
export function queuedBytes(conn: Connection): number {
  const { writeBuffer = [], transport } = conn as unknown as Internals;
  let bytes = transport.name === 'websocket' ? (transport.socket?.bufferedAmount ?? 0) : 0;
  for (const { data } of writeBuffer) {
    if (typeof data === 'string') bytes += data.length;
    else if (data) bytes += data.byteLength;
  }
  return bytes;
}

export default fp(
  async (app) => {
    const { io } = app.relay;
    const connections = new Set<Connection>();
    io.engine.on('connection', (conn: Connection) => {
      connections.add(conn);
      conn.once('close', () => connections.delete(conn));
    });

    const timer = setInterval(() => {
      for (const conn of connections) {
        const bytes = queuedBytes(conn);
        if (bytes <= MAX_QUEUED_BYTES) continue;
        app.log.warn({ queuedBytes: bytes, address: conn.remoteAddress }, 'closed: slow consumer');
        connections.delete(conn);
        const { transport } = conn as unknown as Internals;
        // Discard what waits, and cut the TCP connection rather than wait
        // for a WebSocket closing handshake the client will not read either.
        conn.close(true);
        if (transport.name === 'websocket') transport.socket?.terminate?.();
      }
    }, CHECK_EVERY_MS);
    timer.unref();
    app.addHook('preClose', async () => clearInterval(timer));
  },
  { name: 'backpressure', dependencies: ['socket'] },
);
