import fp from 'fastify-plugin';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { Server } from 'socket.io';
import type { ClientToServerEvents } from '../../protocol/index.js';
import { createIdentify } from '../chat/identity.js';
import { VERIFIED_NAME_DAYS } from '../../protocol/index.js';
import { banHandler } from '../socket/ban.js';
import { BanWatch } from '../socket/ban-watch.js';
import { bansHandler } from '../socket/bans.js';
import { socketBroadcaster, socketRoster } from '../socket/broadcaster.js';
import { configureHandler } from '../socket/configure.js';
import { HandlerContext, type SharedContext, type SocketLayer } from '../socket/context.js';
import { type Handler, requestsPerConnection } from '../socket/define-handler.js';
import { ANSWER_BYTES_PER_CONNECTION, ANSWER_BYTES_PER_GUEST_ADDRESS, AnswerBudget } from '../socket/answer-budget.js';
import { rateLimiter } from './limits.js';
import { deleteHandler } from '../socket/delete.js';
import { editHandler } from '../socket/edit.js';
import { forgetRequests } from '../socket/forget-request.js';
import { Handshake } from '../socket/handshake.js';
import { historyHandler } from '../socket/history.js';
import { joinHandler } from '../socket/join.js';
import { leaveHandler } from '../socket/leave.js';
import { checkSocketInternals } from '../internals/index.js';
import { oneWriteFrames } from '../socket/one-write-frames.js';
import { Presence } from '../socket/presence.js';
import { reactHandler } from '../socket/react.js';
import { reportHandler } from '../socket/report.js';
import { resolveHandler } from '../socket/resolve.js';
import { sendHandler } from '../socket/send.js';
import { stopTyping, typingHandler } from '../socket/typing.js';
import { sessionActor } from '../http/console-session.js';
import { chatRooms, consoleRoom, memberRoom, moderatorsRoom, type ChatServer, type ChatSocket } from '../socket/types.js';
import { unbanHandler } from '../socket/unban.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Socket.IO and who is online through it. */
    sockets: SocketLayer;
  }
}

/** One handler per client event of the contract: a Record, so an event without one does not compile. */
const HANDLERS: Record<keyof ClientToServerEvents, Handler> = {
  join: joinHandler,
  leave: leaveHandler,
  send: sendHandler,
  history: historyHandler,
  typing: typingHandler,
  delete: deleteHandler,
  ban: banHandler,
  edit: editHandler,
  react: reactHandler,
  configure: configureHandler,
  unban: unbanHandler,
  bans: bansHandler,
  report: reportHandler,
  resolve: resolveHandler,
};

/** A chat message is small: 64 KB per packet is plenty and bounds what one client can make us parse. */
const MAX_PACKET_BYTES = 64 * 1024;

/** Socket.IO on Fastify's own HTTP server: the handshake checks, then one handler per event. */
export default fp(
  async (app) => {
    const { config, metrics, log, chat } = app;
    const { redis } = app;
    // Names a guest cannot fake: a storage failure lets the guest in rather
    // than refuse every guest while the database is away.
    const verifiedLookAlike = (keys: string[]) =>
      app.store.verifiedNameSince(keys, Date.now() - VERIFIED_NAME_DAYS * 86_400_000).catch(() => false);
    const { blockedEverywhere } = app.moderationDeps;
    const handshake = new Handshake({
      config,
      metrics,
      log,
      identify: createIdentify({ ...config, verifiedLookAlike, blockedName: (name) => blockedEverywhere.blocks(name) }),
      // A ticket of a console session (http/console-session.ts).
      consoleTicket: async (ticket) => {
        const session = await app.consoleSessions?.verifyTicket(ticket);
        return session && { member: sessionActor(session).member, session: session.id };
      },
    });
    // Loaded with Redis only, as the client is (plugins/redis.ts).
    const createAdapter = redis && (await import('@socket.io/redis-streams-adapter')).createAdapter;
    const io: ChatServer = new Server(app.server, {
      // Several relays: every broadcast and room query goes through a Redis
      // stream, which survives short Redis outages.
      ...(redis && createAdapter
        ? {
            adapter: createAdapter(redis.adapter, {
              streamName: config.redisPrefix,
              // Heartbeats and room queries go through Redis pub/sub on this
              // prefix. Left at its default, every cluster sharing the Redis
              // counted the others' relays as its own and waited out the
              // timeout for their answers on each presence query (a join
              // took 2 s, a ban missed the other relay's sockets).
              channelPrefix: config.redisPrefix,
            }),
          }
        : {}),
      serveClient: false,
      maxHttpBufferSize: MAX_PACKET_BYTES,
      // Same list as @fastify/cors; the relay also checks Origin itself (socket/handshake.ts),
      // since CORS binds only browsers, and only for polling.
      cors: { origin: config.allowedOrigins },
      // An Engine.IO connection must open a Socket.IO session within this
      // (never later than the join timeout, which follows it).
      connectTimeout: Math.min(10_000, config.joinTimeoutMs),
      allowRequest: handshake.allowRequest,
      pingInterval: config.pingIntervalMs,
      pingTimeout: config.pingTimeoutMs,
      // No connection-state recovery: it replays missed packets before the
      // relay's own checks run (a member banned or a token expired while away
      // still got them), appends an offset argument to every broadcast (which
      // breaks clients that take exactly one, as the contract says), and keeps
      // every broadcast in memory for its window. A client that reconnects
      // joins again with `since`, and the store answers what it missed.
    });
    // Before any patch: an upgrade that changed what they touch stops the relay here, in one line.
    checkSocketInternals(io);
    // Each broadcast as one buffer per member (see the module).
    oneWriteFrames(io);
    const presence = new Presence(io, Boolean(redis));
    const bans = new BanWatch(io, presence, (actor, room) => chat.moderation.banOn(actor, room), Boolean(redis), log);
    // Per connection, so in this relay's memory (a connection lives on one relay).
    const perConnection = config.rateLimit && requestsPerConnection(config.rateLimit);
    const requests = perConnection && new RateLimiterMemory({ points: perConnection.points, duration: perConnection.windowMs / 1000 });
    // The chat core's news goes out through Socket.IO (plugins/chat.ts says why it is attached here).
    app.attachChatTransport({ broadcast: socketBroadcaster(io, presence, bans), roster: socketRoster(io, presence) });
    app.decorate('sockets', { io, presence, bans });
    // The bytes of heavy answers: per connection in memory, per guest network in Redis when relays share it.
    const answers =
      config.rateLimit &&
      new AnswerBudget(
        rateLimiter(ANSWER_BYTES_PER_CONNECTION, undefined, ''),
        rateLimiter(ANSWER_BYTES_PER_GUEST_ADDRESS, app.redis?.direct, `${config.redisPrefix}:answer-bytes-net`),
      );
    const shared: SharedContext = { io, presence, bans, chat, metrics, log, requests: requests || undefined, answers: answers || undefined };
    const handlers = new Map(Object.entries(HANDLERS));

    handshake.install(io);

    const forgetRequest = forgetRequests(io);
    // Per connection, the same listeners (given the socket as `this`) rather
    // than closures of each one's own: a relay holds tens of thousands of
    // idle connections, and each closure kept its scope alive.
    const contexts = new WeakMap<ChatSocket, HandlerContext>();
    function dispatch(this: ChatSocket, event: string, ...args: unknown[]) {
      handlers.get(event)?.(contexts.get(this)!, args);
    }
    function disconnecting(this: ChatSocket, reason: string) {
      const ctx = contexts.get(this)!;
      const member = this.data.member;
      // Socket.IO takes the socket out of its rooms itself; here the others
      // only learn that it stopped typing and left.
      clearTimeout(ctx.joinTimer);
      bans.forget(this.id);
      for (const room of chatRooms(this)) {
        stopTyping(ctx, room);
        void presence.departed(room, member, this.id);
      }
      log.info({ socket: this.id, member: member.id, reason }, 'disconnected');
    }

    io.on('connection', async (socket: ChatSocket) => {
      const member = socket.data.member;
      // Logged through the relay's logger with the fields a child logger would
      // add: a child per connection costs memory the whole connection long.
      log.info({ socket: socket.id, member: member.id, address: socket.data.address }, 'connected');
      forgetRequest(socket);
      const ctx = new HandlerContext(shared, socket);
      contexts.set(socket, ctx);
      // One listener for every event, not one closure per event per connection.
      socket.onAny(dispatch);
      socket.on('disconnecting', disconnecting);

      // A connection that joins no room holds resources and does nothing:
      // close it. The join handler clears this at the first join. The
      // console's own (a signed-in session) may only listen: its reports
      // page hears every room's reports without joining any.
      if (!socket.data.consoleSession) ctx.joinTimer = setTimeout(() => {
        if (chatRooms(socket).length === 0) {
          log.info({ socket: socket.id, member: member.id }, 'closed: joined no room in time');
          socket.disconnect(true);
        }
      }, config.joinTimeoutMs);

      await socket.join(memberRoom(member.id));
      // Signing out of the console closes its connections, on every relay.
      if (socket.data.consoleSession) await socket.join(consoleRoom(socket.data.consoleSession));
      // Reports reach a moderator's every connection, in a room or not.
      if (member.role === 'moderator') await socket.join((socket.data.rooms ?? ['*']).map(moderatorsRoom));
    });

    // Close every client first, so the HTTP server can finish closing and the
    // store (closed after) is no longer written to. Their connections are
    // closed, not their Socket.IO sessions: a client sees a dropped transport
    // and reconnects by itself (to another relay, or this one restarted) and
    // catches up, where a server-side disconnect would tell it to stay away.
    app.addHook('preClose', async () => {
      io.engine.close();
      presence.close();
      bans.close();
    });
  },
  { name: 'socket', dependencies: ['config', 'store', 'metrics', 'redis', 'moderation', 'console-sessions', 'chat'] },
);
