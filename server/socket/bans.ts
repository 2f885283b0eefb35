import type { BansResult } from '../../protocol/index.js';
import { defineHandler } from './define-handler.js';
import { bansSchema } from './schemas.js';
import { actorOf } from './types.js';

/** `bans`: the bans in force in a room, for its moderators. */
export const bansHandler = defineHandler('bans', bansSchema, async (ctx, { room }): Promise<BansResult> => ({
  bans: await ctx.chat.moderation.bans(actorOf(ctx.socket), room),
}));
