import { reactRequest, type ReactResult } from '../../protocol/index.js';
import { defineHandler, requireJoined } from './define-handler.js';
import { actorOf } from './types.js';

/** `react`: a member adds or takes back a reaction (the chat core's rules); everyone in the room gets `updated`. */
export const reactHandler = defineHandler('react', reactRequest, async (ctx, { room, seq, emoji, on }): Promise<ReactResult> => {
  requireJoined(ctx, room);
  return { message: await ctx.chat.react(actorOf(ctx.socket), room, seq, emoji, on) };
});
