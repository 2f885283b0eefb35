import type { FastifyBaseLogger } from 'fastify';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Chat } from '../chat/chat.js';
import type { Metrics } from '../chat/metrics.js';
import type { AnswerBudget } from './answer-budget.js';
import type { BanWatch } from './ban-watch.js';
import type { Presence } from './presence.js';
import type { ChatServer, ChatSocket } from './types.js';

/** What the socket layer shares: Socket.IO, who is online, and the chat core it calls. */
export interface SocketLayer {
  io: ChatServer;
  presence: Presence;
  /** This relay's connections told they are banned, to tell them when it is over. */
  bans: BanWatch;
}

/** What every connection's handlers share. */
export interface SharedContext extends SocketLayer {
  chat: Chat;
  metrics: Metrics;
  log: FastifyBaseLogger;
  /**
   * Requests per connection (any event), keyed by socket id; undefined with
   * RATE_LIMIT=off.
   */
  requests?: RateLimiterAbstract;
  /** The byte budgets of join and history answers; undefined with RATE_LIMIT=off. */
  answers?: AnswerBudget;
}

/**
 * What every socket handler is given: the shared parts, one socket, and that
 * socket's state. One small object per connection, its parts made on first
 * use: a relay holds tens of thousands of connections that mostly only listen.
 */
export class HandlerContext {
  /** Rooms where this socket's typing:true was relayed, with when (for the throttle). */
  typing?: Map<string, number>;
  /** This connection's requests not yet answered. */
  pending = 0;
  /** Closes the connection if it joins no room in time (plugins/socket.ts); cleared at the first join. */
  joinTimer?: NodeJS.Timeout;
  #log?: FastifyBaseLogger;

  constructor(
    private readonly shared: SharedContext,
    readonly socket: ChatSocket,
  ) {}

  get io() {
    return this.shared.io;
  }
  get presence() {
    return this.shared.presence;
  }
  get bans() {
    return this.shared.bans;
  }
  get chat() {
    return this.shared.chat;
  }
  get metrics() {
    return this.shared.metrics;
  }
  get requests() {
    return this.shared.requests;
  }
  get answers() {
    return this.shared.answers;
  }
  /** A logger naming the socket and its member. */
  get log(): FastifyBaseLogger {
    return (this.#log ??= this.shared.log.child({ socket: this.socket.id, member: this.socket.data.member.id }));
  }
}
