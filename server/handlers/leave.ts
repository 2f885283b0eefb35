import type { HandlerContext } from './context.js';
import { handle } from './handle.js';
import { leaveSchema } from './schemas.js';

/** Takes a socket out of a room, telling the others when its member is gone. */
export function leaveRoom({ socket, presence }: HandlerContext, room: string): void {
  const member = socket.data.member;
  if (presence.remove(room, member.id, socket.id)) {
    socket.to(room).emit('presence', { room, count: presence.count(room), joined: [], left: [member] });
  }
  void socket.leave(room);
}

/** `leave`: leaving a room one never joined is harmless, so it is not an error. */
export function leaveHandler(ctx: HandlerContext) {
  return handle(ctx, 'leave', leaveSchema, async ({ room }) => {
    if (ctx.socket.rooms.has(room)) leaveRoom(ctx, room);
    return {};
  });
}
