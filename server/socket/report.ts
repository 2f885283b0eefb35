import type { HandlerContext } from './context.js';
import { defineHandler, requireJoined } from './define-handler.js';
import { reportSchema } from './schemas.js';
import { actorOf } from './types.js';

/** `report`: a joined member reports a message; the room's moderators online are told. */
export function reportHandler(ctx: HandlerContext) {
  return defineHandler(ctx, 'report', reportSchema, async ({ room, seq, reason }) => {
    requireJoined(ctx, room);
    await ctx.chat.moderation.report(actorOf(ctx.socket), room, seq, reason || undefined);
    return {};
  });
}
