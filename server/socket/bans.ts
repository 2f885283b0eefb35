import { bansRequest, type BansResult } from '../../protocol/index.js';
import { defineHandler } from './define-handler.js';
import { actorOf } from './types.js';

/** `bans`: the bans in force in a room, for its moderators. */
export const bansHandler = defineHandler('bans', bansRequest, async (ctx, { room }): Promise<BansResult> => ({
  bans: await ctx.chat.moderation.bans(actorOf(ctx.socket), room),
}));
