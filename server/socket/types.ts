import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, Member, ServerToClientEvents } from '../../protocol/index.js';

export interface SocketData {
  member: Member;
  /** The client's address (through TRUST_PROXY), for per-address limits. */
  address: string;
}

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * The Socket.IO room holding every socket of one member (all their tabs), so
 * that typing skips all of them and a ban reaches all of them. `@` cannot
 * start a chat room name, so no client can join it.
 */
export const memberRoom = (memberId: string) => `@${memberId}`;

/** The chat rooms a socket is in (not its own id, not its member room). */
export function chatRooms(socket: ChatSocket): string[] {
  return [...socket.rooms].filter((room) => room !== socket.id && !room.startsWith('@'));
}
