import type { FastifyBaseLogger } from 'fastify';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
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
  /**
   * Requests per connection (any event), keyed by socket id, and how many of
   * this connection's are unanswered; undefined with RATE_LIMIT=off.
   */
  requests?: RateLimiterAbstract;
  pending: number;
}
