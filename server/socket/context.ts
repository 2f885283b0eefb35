import type { FastifyBaseLogger } from 'fastify';
import type { Chat } from '../chat/chat.js';
import type { Metrics } from '../chat/metrics.js';
import type { Presence } from './presence.js';
import type { ChatServer, ChatSocket } from './types.js';

/** What the socket layer shares: Socket.IO, who is online, and the chat core it calls. */
export interface SocketLayer {
  io: ChatServer;
  presence: Presence;
}

/** What every socket handler is built from: the chat, one socket, and that socket's state. */
export interface HandlerContext extends SocketLayer {
  chat: Chat;
  metrics: Metrics;
  socket: ChatSocket;
  log: FastifyBaseLogger;
  /** Rooms where this socket's typing:true was relayed, with when (for the throttle). */
  typing: Map<string, number>;
}
