import { defineHandler } from './define-handler.js';
import { deleteSchema } from './schemas.js';
import { actorOf } from './types.js';

/** `delete`: the author or a moderator blanks a message; everyone in the room is told with `deleted`. */
export const deleteHandler = defineHandler('delete', deleteSchema, async (ctx, { room, seq }) => {
  await ctx.chat.remove(actorOf(ctx.socket), room, seq);
  return {};
});
