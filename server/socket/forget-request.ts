import { type IncomingMessage, ServerResponse } from 'node:http';
import { engineConnection, type UpgradeResponse } from '../internals/engine.io.js';
import type { ChatServer, ChatSocket } from './types.js';

/**
 * Lets go of the HTTP request a connection was opened with once its session
 * is open: the handshake has read from it what the relay needs (origin,
 * address, identity), and nothing reads it after. Engine.IO keeps the
 * request, and Socket.IO its headers, query and `auth` (a member's token),
 * for the connection's whole life: 1.1 KB of a connection's 12.2 in heap
 * snapshots of 2,000 idle connections, on a relay that holds tens of
 * thousands. Engine.IO's stand-in response to a WebSocket upgrade keeps the
 * request too, through a `close` listener on the TCP socket, so it is
 * remembered at the upgrade and let go of as well.
 *
 * Returns the function to call when a socket's session opens.
 */
export function forgetRequests(io: ChatServer): (socket: ChatSocket) => void {
  const upgrades = new WeakMap<IncomingMessage, UpgradeResponse>();
  io.engine.use((req: IncomingMessage, res: ServerResponse | UpgradeResponse, next: () => void) => {
    if (!(res instanceof ServerResponse)) upgrades.set(req, res);
    next();
  });
  return (socket) => {
    const conn = engineConnection(socket.conn);
    const upgrade = conn.request && upgrades.get(conn.request);
    if (upgrade) upgrade.req = null;
    conn.request = null;
    Object.assign(socket.handshake, { headers: {}, query: {}, auth: {} });
  };
}
