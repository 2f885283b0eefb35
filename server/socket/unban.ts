import { unbanRequest } from '../../protocol/index.js';
import { defineHandler } from './define-handler.js';
import { actorOf } from './types.js';

/** `unban`: a moderator of the room lifts a member's ban there (and the address bans that came with it). */
export const unbanHandler = defineHandler('unban', unbanRequest, async (ctx, { room, memberId }) => {
  await ctx.chat.moderation.unban(actorOf(ctx.socket), room, memberId);
  ctx.log.info({ room, memberId, by: ctx.socket.data.member.id }, 'member unbanned');
  return {};
});
