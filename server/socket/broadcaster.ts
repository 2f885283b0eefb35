import type { Broadcaster } from '../chat/broadcaster.js';
import type { Presence } from './presence.js';
import { memberRoom, type ChatServer } from './types.js';

/** The chat core's news as Socket.IO broadcasts, which reach every relay through the adapter. */
export function socketBroadcaster(io: ChatServer, presence: Presence): Broadcaster {
  return {
    message: (message) => io.to(message.room).emit('message', message),
    deleted: (room, seq) => io.to(room).emit('deleted', { room, seq }),
    updated: (message) => io.to(message.room).emit('updated', message),
    async banned(room, memberId, until) {
      // Every tab of the member, on whichever relay it is connected to, through
      // broadcasts that need no answer (a relay that just died cannot stall a ban).
      const member = (await presence.online(room)).get(memberId);
      io.in(memberRoom(memberId)).socketsLeave(room);
      io.to(memberRoom(memberId)).emit('banned', { room, until });
      if (member) {
        io.to(room).emit('typing', { room, member, typing: false });
        await presence.departed(room, member, '');
      }
    },
  };
}
