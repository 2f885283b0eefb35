import { engineConnection, type EngineConnection } from '../internals/engine.io.js';
import { wsSocket } from '../internals/ws.js';
import type { ChatServer } from './types.js';

/**
 * Makes what a room is told in one turn of the event loop reach each of its
 * members on this relay in one system call. Sends that arrive together are
 * stored in one transaction and broadcast one after another; without this,
 * every message is one `writev` per receiver, the largest part of a busy
 * relay's CPU time (over half of it in a profile of the fan-out bench).
 *
 * Engine.IO already queues a connection's packets while its transport is
 * busy writing, and hands the queue over in one piece when it is free. So
 * the WebSocket members of the room are marked busy for the rest of the
 * turn (everything sent to them meanwhile waits in that queue, in order),
 * and at its end (`process.nextTick`, once the current promise
 * continuations are done) each one's queue goes out in one write, its TCP
 * socket corked when it holds more than one packet. Nothing waits longer
 * than the turn that sent it. A transport already busy with an earlier
 * write is left alone, as are long-polling members.
 *
 * Returns the function to call before broadcasting to a room.
 */
export function coalesceWrites(io: ChatServer): (room: string) => void {
  // Two lists rather than an object per member: a room of 10,000 is 10,000 entries a message.
  const conns: EngineConnection[] = [];
  const transports: EngineConnection['transport'][] = [];
  const releaseAll = () => {
    for (let i = 0; i < conns.length; i++) {
      const conn = conns[i]!;
      const transport = transports[i]!;
      // Upgraded or closed meanwhile: that transport is no longer this connection's to write on.
      if (conn.transport !== transport || conn.readyState === 'closed') continue;
      transport.writable = true;
      // One packet is one write anyway: corking it would only cost.
      const tcp = (conn.writeBuffer?.length ?? 0) > 1 ? wsSocket(transport.socket)?._socket : undefined;
      tcp?.cork();
      conn.flush();
      tcp?.uncork();
    }
    conns.length = 0;
    transports.length = 0;
  };
  const namespace = io.of('/');
  return (room) => {
    const ids = namespace.adapter.rooms.get(room);
    if (!ids) return;
    if (conns.length === 0) process.nextTick(releaseAll);
    for (const id of ids) {
      const socket = namespace.sockets.get(id);
      const conn = socket && engineConnection(socket.conn);
      const transport = conn?.transport;
      if (transport?.name === 'websocket' && transport.writable) {
        transport.writable = false;
        conns.push(conn!);
        transports.push(transport);
      }
    }
  };
}
