import type { Broadcaster } from '../chat/broadcaster.js';
import type { Roster } from '../chat/roster.js';
import type { BanWatch } from './ban-watch.js';
import { coalesceWrites } from './coalesce.js';
import type { Presence } from './presence.js';
import { memberRoom, moderatorsRoom, readersRoom, type ChatServer } from './types.js';

/** How long to wait for the other relays' sockets before acting on this relay's only. */
const CLUSTER_TIMEOUT_MS = 1000;

/** The chat core's news as Socket.IO broadcasts, which reach every relay through the adapter. */
export function socketBroadcaster(io: ChatServer, presence: Presence, bans: BanWatch): Broadcaster {
  const together = coalesceWrites(io);
  // A room's news, to its members and to the banned members who read it:
  // what one turn tells them goes out in one write each.
  const toRoom = (room: string) => {
    together(room);
    together(readersRoom(room));
    return io.to([room, readersRoom(room)]);
  };
  return {
    message: (message) => toRoom(message.room).emit('message', message),
    deleted: (room, seq) => toRoom(room).emit('deleted', { room, seq }),
    updated: (message) => toRoom(message.room).emit('updated', message),
    async banned(room, memberId, event, addresses) {
      // Every tab of the member, on whichever relay it is connected to, through
      // broadcasts that need no answer (a relay that just died cannot stall a ban).
      const member = (await presence.online(room)).get(memberId);
      // Who reads the room while banned keeps reading, told the new ban.
      io.in(memberRoom(memberId)).socketsLeave(room);
      io.to(memberRoom(memberId)).emit('banned', event);
      if (member) {
        io.to(room).emit('typing', { room, member, typing: false });
        await presence.departed(room, member, '');
      }
      const guests = addresses.length > 0 ? await banGuestsFrom(io, presence, room, addresses, event) : [];
      // Each relay watches the connections it holds, to tell them when the ban is over.
      if (event.until !== null) await bans.tell({ room, memberId, until: event.until, sockets: guests });
    },
    unbanned: (room) => bans.tell({ room }),
    room: (event) => toRoom(event.room).emit('room', event),
    report: (event) => io.to([moderatorsRoom(event.room), moderatorsRoom('*')]).emit('report', event),
    reportResolved: (event) => io.to([moderatorsRoom(event.room), moderatorsRoom('*')]).emit('reportResolved', event),
  };
}

/**
 * Guests in the room connected from a banned address leave it too (a new
 * name brings no way back); answers their socket ids.
 */
async function banGuestsFrom(io: ChatServer, presence: Presence, room: string, addresses: string[], event: Parameters<Broadcaster['banned']>[2]) {
  const evicted: string[] = [];
  const sockets = await io
    .in(room)
    .timeout(CLUSTER_TIMEOUT_MS)
    .fetchSockets()
    .catch(() => io.local.in(room).fetchSockets());
  const banned = new Set(addresses);
  for (const socket of sockets) {
    const { member, address } = socket.data;
    if (member.verified || !address || !banned.has(address)) continue;
    socket.leave(room);
    socket.emit('banned', event);
    evicted.push(socket.id);
    io.to(room).emit('typing', { room, member, typing: false });
    await presence.departed(room, member, socket.id);
  }
  return evicted;
}

/** Who is connected, on every relay: who is in a room, and a member's connections with their addresses (for bans). */
export function socketRoster(io: ChatServer, presence: Presence): Roster {
  return {
    online: (room) => presence.online(room),
    async connections(memberId) {
      const sockets = await io
        .in(memberRoom(memberId))
        .timeout(CLUSTER_TIMEOUT_MS)
        .fetchSockets()
        .catch(() => io.local.in(memberRoom(memberId)).fetchSockets());
      return sockets.map(({ data: { member, address } }) => (address ? { member, address } : { member }));
    },
  };
}
