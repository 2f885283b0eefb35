import type { HandlerContext } from './context.js';
import { defineHandler } from './define-handler.js';
import { banSchema } from './schemas.js';

/** `ban`: a moderator removes a member from a room (the chat core's rules); every tab of the member is told with `banned`. */
export function banHandler(ctx: HandlerContext) {
  return defineHandler(ctx, 'ban', banSchema, async ({ room, memberId, minutes }) => {
    await ctx.chat.ban(ctx.socket.data.member, room, memberId, minutes);
    ctx.log.info({ room, memberId, minutes, by: ctx.socket.data.member.id }, 'member banned');
    return {};
  });
}
