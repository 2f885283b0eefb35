import { editRequest, type EditResult } from '../../protocol/index.js';
import { defineHandler, requireJoined } from './define-handler.js';
import { actorOf } from './types.js';

/** `edit`: the author changes a message's text (the chat core's rules); everyone in the room gets `updated`. */
export const editHandler = defineHandler('edit', editRequest, async (ctx, { room, seq, text }): Promise<EditResult> => {
  // Members only, as for send: a ban also ends editing.
  requireJoined(ctx, room);
  return { message: await ctx.chat.edit(actorOf(ctx.socket), room, seq, text) };
});
