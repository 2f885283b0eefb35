import { type Internals } from './queued.js';
import type { ChatServer } from './types.js';

type Tcp = NonNullable<NonNullable<Internals['transport']['socket']>['_socket']>;

/**
 * Makes what a room is told in one turn of the event loop reach each of its
 * members on this relay in one system call. Sends that arrive together are
 * stored in one transaction and broadcast one after another; without this,
 * every message is one `writev` per receiver, the largest part of a busy
 * relay's CPU time (over half of it in a profile of the fan-out bench). The
 * TCP sockets of the room's WebSocket members are corked for the rest of the
 * turn and uncorked together at its end (`process.nextTick`, which runs once
 * the current promise continuations are done): nothing waits longer than the
 * turn that wrote it. Long-polling members are left alone.
 *
 * Returns the function to call before broadcasting to a room.
 */
export function coalesceWrites(io: ChatServer): (room: string) => void {
  const corked: Tcp[] = [];
  const uncorkAll = () => {
    for (const tcp of corked.splice(0)) tcp.uncork();
  };
  const namespace = io.of('/');
  return (room) => {
    const ids = namespace.adapter.rooms.get(room);
    if (!ids) return;
    if (corked.length === 0) process.nextTick(uncorkAll);
    for (const id of ids) {
      const conn = namespace.sockets.get(id)?.conn as unknown as Internals | undefined;
      const tcp = conn?.transport.name === 'websocket' ? conn.transport.socket?._socket : undefined;
      // Node counts corks: a socket corked twice in a turn is uncorked twice.
      if (tcp) {
        tcp.cork();
        corked.push(tcp);
      }
    }
  };
}
