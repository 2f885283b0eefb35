import { deleteRequest } from '../../protocol/index.js';
import { defineHandler } from './define-handler.js';
import { actorOf } from './types.js';

/** `delete`: the author or a moderator blanks a message; everyone in the room is told with `deleted`. */
export const deleteHandler = defineHandler('delete', deleteRequest, async (ctx, { room, seq }) => {
  await ctx.chat.remove(actorOf(ctx.socket), room, seq);
  return {};
});
