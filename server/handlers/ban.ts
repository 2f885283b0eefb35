import { memberRoom, type HandlerContext } from './context.js';
import { ClientError, handle } from './handle.js';
import { banSchema } from './schemas.js';

/**
 * `ban`: a moderator removes a member from a room and refuses them there for
 * `minutes`. The ban is stored, so it holds across reconnects and restarts;
 * every tab of the member is taken out of the room and told with `banned`.
 */
export function banHandler(ctx: HandlerContext) {
  const { io, socket, store, presence } = ctx;
  return handle(ctx, 'ban', banSchema, async ({ room, memberId, minutes }) => {
    if (socket.data.member.role !== 'moderator') throw new ClientError('forbidden', 'only moderators may ban');
    if (memberId === socket.data.member.id) throw new ClientError('forbidden', 'moderators cannot ban themselves');
    const until = Date.now() + Math.round(minutes * 60_000);
    await store.ban(room, memberId, until);
    // Every tab of the member, on whichever relay it is connected to, through
    // broadcasts that need no answer (a relay that just died cannot stall a ban).
    const member = (await presence.online(room)).get(memberId);
    io.in(memberRoom(memberId)).socketsLeave(room);
    io.to(memberRoom(memberId)).emit('banned', { room, until });
    if (member) {
      io.to(room).emit('typing', { room, member, typing: false });
      await presence.departed(room, member, '');
    }
    ctx.log.info({ room, memberId, minutes, by: socket.data.member.id }, 'member banned');
    return {};
  });
}
