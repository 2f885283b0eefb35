import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '../protocol/index.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Shared {
  key: string;
  socket: ChatSocket;
  users: number;
}

const shared = new Map<string, Shared>();

/**
 * One connection per relay and identity, shared by every widget on the page
 * that uses both (several rooms, several elements). Release it when done; the
 * last release closes it.
 */
export function acquire(server: string, auth: HandshakeAuth): ChatSocket {
  const key = JSON.stringify([server, auth.token, auth.name, auth.clientId]);
  let entry = shared.get(key);
  if (!entry) {
    const socket: ChatSocket = io(server, {
      auth: { ...auth },
      // We share sockets ourselves; socket.io-client's own cache would hand
      // two identities one connection.
      forceNew: true,
      // WebSocket first (one round trip less); polling when a proxy blocks it.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
    });
    entry = { key, socket, users: 0 };
    shared.set(key, entry);
  }
  entry.users++;
  return entry.socket;
}

export function release(socket: ChatSocket): void {
  for (const entry of shared.values()) {
    if (entry.socket !== socket) continue;
    if (--entry.users === 0) {
      shared.delete(entry.key);
      socket.disconnect();
    }
    return;
  }
}
