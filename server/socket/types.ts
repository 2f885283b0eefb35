import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, Member, ServerToClientEvents } from '../../protocol/index.js';
import type { Actor } from '../chat/moderation.js';

export interface SocketData {
  member: Member;
  /** A moderator's scope from their token's `rooms` claim; absent: every room. */
  rooms?: string[];
  /** The key of the client's network address (chat/address.ts), for address bans. */
  address?: string;
  /** The console session's id, when the console connected (auth `console`). */
  consoleSession?: string;
}

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * The Socket.IO room holding every socket of one member (all their tabs), so
 * that typing skips all of them and a ban reaches all of them. `@` cannot
 * start a chat room name, so no client can join it.
 */
export const memberRoom = (memberId: string) => `@${memberId}`;

/**
 * The Socket.IO room of the sockets that moderate `room` (`*`: every room),
 * where reports go. `#` cannot start a chat room name either.
 */
export const moderatorsRoom = (room: string) => `#${room}`;

/** The Socket.IO room of a console session's connections, closed when it signs out. */
export const consoleRoom = (sessionId: string) => `@console:${sessionId}`;

/** Whether a Socket.IO room is a chat room (not a member's, not moderators'). */
export const isChatRoom = (room: string) => !room.startsWith('@') && !room.startsWith('#');

/** The chat rooms a socket is in (not its own id, not its member room, not a moderators' room). */
export function chatRooms(socket: ChatSocket): string[] {
  return [...socket.rooms].filter((room) => room !== socket.id && isChatRoom(room));
}

/** Who a socket acts as, for the chat core. */
export function actorOf(socket: ChatSocket): Actor {
  const { member, rooms, address } = socket.data;
  return { member, rooms, address };
}
