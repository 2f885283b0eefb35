import type { FastifyBaseLogger } from 'fastify';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, Member, ServerToClientEvents } from '../../protocol/index.js';
import type { Config } from '../config.js';
import type { Metrics } from '../plugins/metrics.js';
import type { Presence } from '../presence.js';
import type { Store } from '../stores/index.js';

export interface SocketData {
  member: Member;
}

export type RelayServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RelaySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What the relay's handlers share. */
export interface Relay {
  io: RelayServer;
  store: Store;
  presence: Presence;
  config: Config;
  metrics: Metrics;
  /** Messages per member; undefined when RATE_LIMIT=off. */
  limiter?: RateLimiterAbstract;
}

/** What every socket handler is built from: the relay, one socket, and that socket's state. */
export interface HandlerContext extends Relay {
  socket: RelaySocket;
  log: FastifyBaseLogger;
  /** Rooms where this socket's typing:true was relayed, with when (for the throttle). */
  typing: Map<string, number>;
}

/**
 * The Socket.IO room holding every socket of one member (all their tabs), so
 * that typing skips all of them and a ban reaches all of them. `@` cannot
 * start a chat room name, so no client can join it.
 */
export const memberRoom = (memberId: string) => `@${memberId}`;

/** The chat rooms a socket is in (not its own id, not its member room). */
export function chatRooms(socket: RelaySocket): string[] {
  return [...socket.rooms].filter((room) => room !== socket.id && !room.startsWith('@'));
}
