import fp from 'fastify-plugin';
import type { Broadcaster } from '../chat/broadcaster.js';
import { Chat } from '../chat/chat.js';
import type { Roster } from '../chat/roster.js';

/** What carries the chat core's news to people and knows who is connected (Socket.IO's, in plugins/socket.ts). */
export interface ChatTransport {
  broadcast: Broadcaster;
  roster: Roster;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The chat core, which the socket handlers and the HTTP routes both call. */
    chat: Chat;
    /** Gives the chat core its transport, once (plugins/socket.ts). */
    attachChatTransport(transport: ChatTransport): void;
  }
}

/**
 * Until a transport is attached, and in a relay without one, nobody is
 * connected: news reaches no one and no one is online.
 */
const NOBODY: ChatTransport = {
  broadcast: { message() {}, deleted() {}, updated() {}, banned: async () => {}, unbanned: async () => {}, room() {}, report() {}, reportResolved() {} },
  roster: { online: async () => new Map(), connections: async () => [] },
};

/**
 * The chat core, built from its ports: the store, the limits, slow mode's
 * clock and the blocked words, the webhooks, and a transport.
 *
 * The transport is Socket.IO's, whose handlers call this core: built first,
 * the core could not be handed a transport made after it; built inside the
 * socket plugin (as it was), every other caller of the core (the HTTP API)
 * had to depend on Socket.IO. So the core takes its broadcaster and roster
 * through one late-bound seam that the socket plugin fills when it starts:
 * adapters (socket/, http/) call the core, the core calls the store, and
 * every piece of news goes out through the one broadcaster attached, which
 * this plugin forwards to without importing Socket.IO. A second transport
 * is refused rather than silently replacing the first.
 */
export default fp(
  async (app) => {
    let transport = NOBODY;
    let attached = false;
    const broadcast: Broadcaster = {
      message: (message) => transport.broadcast.message(message),
      deleted: (room, seq) => transport.broadcast.deleted(room, seq),
      updated: (message) => transport.broadcast.updated(message),
      banned: (room, memberId, event, addresses) => transport.broadcast.banned(room, memberId, event, addresses),
      room: (event) => transport.broadcast.room(event),
      unbanned: (room) => transport.broadcast.unbanned(room),
      report: (event) => transport.broadcast.report(event),
      reportResolved: (event) => transport.broadcast.reportResolved(event),
    };
    const roster: Roster = {
      online: (room) => transport.roster.online(room),
      connections: (memberId) => transport.roster.connections(memberId),
    };
    const { store, config, metrics, limits, webhooks, moderationDeps } = app;
    app.decorate('chat', new Chat({ store, config, metrics, limits, broadcast, roster, webhooks, ...moderationDeps }));
    app.decorate('attachChatTransport', (given: ChatTransport) => {
      if (attached) throw new Error('the chat core has a transport already');
      attached = true;
      transport = given;
    });
  },
  { name: 'chat', dependencies: ['config', 'store', 'metrics', 'limits', 'moderation', 'webhooks'] },
);
