import type { FastifyBaseLogger } from 'fastify';
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, Member, ServerToClientEvents } from '../../protocol/index.js';
import type { Config } from '../config.js';
import type { Presence } from '../presence.js';
import type { Store } from '../stores/index.js';

export interface SocketData {
  member: Member;
}

export type RelayServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RelaySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What every socket handler is built from. */
export interface HandlerContext {
  io: RelayServer;
  socket: RelaySocket;
  store: Store;
  presence: Presence;
  config: Config;
  log: FastifyBaseLogger;
}
