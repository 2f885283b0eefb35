import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import type { HandlerContext, RelayServer, RelaySocket } from '../handlers/context.js';
import { joinHandler } from '../handlers/join.js';
import { leaveHandler, leaveRoom } from '../handlers/leave.js';
import { sendHandler } from '../handlers/send.js';
import { identify } from '../identity.js';
import { Presence } from '../presence.js';

declare module 'fastify' {
  interface FastifyInstance {
    io: RelayServer;
    presence: Presence;
  }
}

/** A chat message is small: 64 KB per packet is plenty and bounds what one client can make us parse. */
const MAX_PACKET_BYTES = 64 * 1024;

/** Socket.IO on Fastify's own HTTP server, with the relay's handshake and handlers. */
export default fp(
  async (app) => {
    const io: RelayServer = new Server(app.server, {
      serveClient: false,
      maxHttpBufferSize: MAX_PACKET_BYTES,
      cors: { origin: '*' },
    });
    const presence = new Presence();
    app.decorate('io', io);
    app.decorate('presence', presence);

    io.use((socket, next) => {
      const identity = identify(socket.handshake.auth);
      if ('refuse' in identity) {
        app.log.info({ address: socket.handshake.address, code: identity.refuse }, 'handshake refused');
        return next(new Error(identity.refuse));
      }
      socket.data.member = identity.member;
      next();
    });

    io.on('connection', (socket: RelaySocket) => {
      const log = app.log.child({ socket: socket.id });
      log.info({ member: socket.data.member.id, address: socket.handshake.address }, 'connected');
      const ctx: HandlerContext = { io, socket, store: app.store, presence, config: app.config, log };
      socket.on('join', joinHandler(ctx));
      socket.on('leave', leaveHandler(ctx));
      socket.on('send', sendHandler(ctx));
      socket.on('disconnecting', (reason) => {
        for (const room of socket.rooms) if (room !== socket.id) leaveRoom(ctx, room);
        log.info({ reason }, 'disconnected');
      });
    });

    // Close every client first, so the HTTP server can finish closing and the
    // store (closed after) is no longer written to.
    app.addHook('preClose', async () => {
      io.local.disconnectSockets(true);
      io.engine.close();
    });
  },
  { name: 'socket', dependencies: ['config', 'store'] },
);
