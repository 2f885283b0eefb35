import { leaveRequest } from '../../protocol/index.js';
import type { HandlerContext } from './context.js';
import { defineHandler } from './define-handler.js';
import { stopTyping } from './typing.js';
import { readersRoom } from './types.js';

/** Leaves a room on the client's behalf, ending any typing there; presence tells the others if its member is gone. */
export async function leaveRoom(ctx: HandlerContext, room: string): Promise<void> {
  stopTyping(ctx, room);
  await ctx.socket.leave(room);
  await ctx.presence.departed(room, ctx.socket.data.member, ctx.socket.id);
}

/** `leave`: leaving a room one never joined is harmless, so it is not an error. */
export const leaveHandler = defineHandler('leave', leaveRequest, async (ctx, { room }) => {
  if (ctx.socket.rooms.has(room)) await leaveRoom(ctx, room);
  // A banned reader stops reading (and is still told when the ban ends, as any connection told it was banned).
  if (ctx.socket.rooms.has(readersRoom(room))) await ctx.socket.leave(readersRoom(room));
  return {};
});
