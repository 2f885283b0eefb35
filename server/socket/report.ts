import { reportRequest } from '../../protocol/index.js';
import { defineHandler, requireJoined } from './define-handler.js';
import { actorOf } from './types.js';

/** `report`: a joined member reports a message; the room's moderators online are told. */
export const reportHandler = defineHandler('report', reportRequest, async (ctx, { room, seq, reason }) => {
  requireJoined(ctx, room);
  await ctx.chat.moderation.report(actorOf(ctx.socket), room, seq, reason || undefined);
  return {};
});
