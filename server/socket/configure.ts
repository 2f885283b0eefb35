import { configureRequest, type ConfigureResult } from '../../protocol/index.js';
import { defineHandler } from './define-handler.js';
import { actorOf } from './types.js';

/** `configure`: a moderator of the room changes its settings; everyone in it is told with `room`. */
export const configureHandler = defineHandler('configure', configureRequest, async (ctx, { room, settings }): Promise<ConfigureResult> => {
  const changed = await ctx.chat.moderation.configure(actorOf(ctx.socket), room, settings);
  ctx.log.info({ room, keys: Object.keys(settings), by: ctx.socket.data.member.id }, 'room configured');
  return { settings: changed };
});
