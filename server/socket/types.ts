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

/** What relays tell each other (with several relays, through the adapter's `serverSideEmit`). */
export interface InterServerEvents {
  /** Bans changed in `room`: each relay looks again at its connections told they were banned there (ban-watch.ts). */
  bans: (change: BanChange) => void;
}

/** A ban written (`memberId` banned until `until`, and the guests of their address taken out, `sockets`), or bans lifted (no `memberId`). */
export interface BanChange {
  room: string;
  memberId?: string;
  until?: number;
  sockets?: string[];
}

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

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

/**
 * The Socket.IO room of the connections that read `room` while banned from
 * it (`join { readOnly }`): they get the room's messages but are not in it,
 * so they count in no presence and every write of theirs is refused. `!`
 * cannot start a chat room name either.
 */
export const readersRoom = (room: string) => `!${room}`;

/** The Socket.IO room of a console session's connections, closed when it signs out. */
export const consoleRoom = (sessionId: string) => `@console:${sessionId}`;

/** Whether a Socket.IO room is a chat room (not a member's, not moderators', not banned readers'). */
export const isChatRoom = (room: string) => !room.startsWith('@') && !room.startsWith('#') && !room.startsWith('!');

/** The chat rooms a socket is in (not its own id, not its member room, not a moderators' room, not one it only reads). */
export function chatRooms(socket: ChatSocket): string[] {
  return [...socket.rooms].filter((room) => room !== socket.id && isChatRoom(room));
}

/** Who a socket acts as, for the chat core. */
export function actorOf(socket: ChatSocket): Actor {
  const { member, rooms, address } = socket.data;
  return { member, rooms, address };
}
