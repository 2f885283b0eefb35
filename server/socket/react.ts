import type { ReactResult } from '../../protocol/index.js';
import type { HandlerContext } from './context.js';
import { defineHandler, requireJoined } from './define-handler.js';
import { reactSchema } from './schemas.js';

/** `react`: a member adds or takes back a reaction (the chat core's rules); everyone in the room gets `updated`. */
export function reactHandler(ctx: HandlerContext) {
  return defineHandler(ctx, 'react', reactSchema, async ({ room, seq, emoji, on }): Promise<ReactResult> => {
    requireJoined(ctx, room);
    return { message: await ctx.chat.react(ctx.socket.data.member, room, seq, emoji, on) };
  });
}
