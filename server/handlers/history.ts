import type { HistoryResult } from '../../protocol/index.js';
import type { HandlerContext } from './context.js';
import { handle, requireJoined } from './handle.js';
import { historySchema, pageSize } from './schemas.js';

/** `history`: older messages, for scrolling up (members only, so a ban also ends reading). */
export function historyHandler(ctx: HandlerContext) {
  return handle(ctx, 'history', historySchema, async ({ room, before, limit }): Promise<HistoryResult> => {
    requireJoined(ctx, room);
    return ctx.store.before(room, before, pageSize(limit));
  });
}
