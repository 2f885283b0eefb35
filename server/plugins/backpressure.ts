import fp from 'fastify-plugin';
import { engineClients, engineConnection } from '../internals/engine.io.js';
import { bytesTaken } from '../internals/node-net.js';
import { wsSocket } from '../internals/ws.js';
import { MAX_QUEUED_BYTES, queuedBytes, type Connection } from '../socket/queued.js';

/**
 * A client that stops reading (a stalled phone, a bot that never reads, a
 * deliberate slowloris) makes Socket.IO keep every message of its rooms for
 * it, without limit: once the socket's kernel buffer is full, each broadcast
 * waits in Engine.IO's write buffer. The rest of the room is not slowed, but
 * the relay's memory grows with every message sent meanwhile.
 *
 * So every CHECK_EVERY_MS the relay looks at what each connection has
 * waiting to go out (Engine.IO's write buffer, plus the WebSocket's
 * `bufferedAmount`) and drops a connection that is past MAX_QUEUED_BYTES and
 * has taken nothing since the last check, or past HARD_MAX_QUEUED_BYTES at all.
 * A client on a slow link that is still reading a large answer (a `join`
 * with 200 long messages can be several MB) is left alone: dropping it would
 * only make it ask for the same answer again. A client that comes back joins
 * with `since` and gets what it missed from storage, as after any drop.
 */
export const HARD_MAX_QUEUED_BYTES = 32 * 1024 * 1024;
const CHECK_EVERY_MS = 500;

/**
 * A figure that grows whenever the client takes data. Over WebSocket: the
 * bytes its TCP connection's kernel buffer has accepted (handed to libuv,
 * less what libuv still holds), which moves even while one large frame, say
 * a multi-MB `join` answer, is still going out. Over polling, where each
 * request drains the queue: minus what is queued.
 */
function taken(conn: Connection, queued: number): number {
  const tcp = wsSocket(engineConnection(conn).transport.socket)?._socket;
  return (tcp && bytesTaken(tcp)) ?? -queued;
}

export default fp(
  async (app) => {
    const { io } = app.sockets;
    // Engine.IO adds a connection at its handshake and removes it when it closes.
    const clients = engineClients<Connection>(io.engine);
    // How much each connection over the limit at the last check had taken
    // then; made anew at each check, so a connection under the limit (nearly
    // all of them) costs the walk no lookup, and a closed one is forgotten.
    // Engine.IO's own list of connections is walked, rather than a list of
    // ours kept by a `close` listener on each one (a few hundred bytes per
    // connection, on a relay that holds tens of thousands).
    let wasOver = new Map<Connection, number>();

    const timer = setInterval(() => {
      const over = new Map<Connection, number>();
      for (const id in clients) {
        const conn = clients[id]!;
        const bytes = queuedBytes(conn);
        if (bytes <= MAX_QUEUED_BYTES) continue;
        const now = taken(conn, bytes);
        const before = wasOver.get(conn);
        // Over the limit at the last look too, and it has taken nothing since.
        const stalled = before !== undefined && now <= before;
        if (!stalled && bytes <= HARD_MAX_QUEUED_BYTES) {
          over.set(conn, now);
          continue;
        }
        app.log.warn({ queuedBytes: bytes, address: conn.remoteAddress }, 'closed: slow consumer');
        const { transport } = engineConnection(conn);
        // Discard what waits, and cut the TCP connection rather than wait
        // for a WebSocket closing handshake the client will not read either.
        conn.close(true);
        if (transport.name === 'websocket') wsSocket(transport.socket)?.terminate?.();
      }
      wasOver = over;
    }, CHECK_EVERY_MS);
    timer.unref();
    app.addHook('preClose', async () => clearInterval(timer));
  },
  { name: 'backpressure', dependencies: ['socket'] },
);
