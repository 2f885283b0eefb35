import { resolveRequest } from '../../protocol/index.js';
import { defineHandler } from './define-handler.js';
import { actorOf } from './types.js';

/** `resolve`: a moderator of the room dismisses a message's report; every moderator of the room is told (`reportResolved`). */
export const resolveHandler = defineHandler('resolve', resolveRequest, async (ctx, { room, seq }) => {
  await ctx.chat.moderation.resolve(actorOf(ctx.socket), room, seq);
  return {};
});
