import { banRequest } from '../../protocol/index.js';
import { defineHandler } from './define-handler.js';
import { actorOf } from './types.js';

/**
 * `ban`: a moderator of the room removes a member from it (the chat core's
 * rules); every tab of the member, and every guest from their address, is
 * told with `banned`.
 */
export const banHandler = defineHandler('ban', banRequest, async (ctx, { room, memberId, minutes, reason }) => {
  await ctx.chat.moderation.ban(actorOf(ctx.socket), room, memberId, minutes, reason || undefined);
  ctx.log.info({ room, memberId, minutes, by: ctx.socket.data.member.id }, 'member banned');
  return {};
});
