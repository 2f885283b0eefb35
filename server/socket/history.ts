import { historyRequest, type HistoryResult } from '../../protocol/index.js';
import { answerBytes } from './answer-budget.js';
import { defineHandler, requireJoined } from './define-handler.js';

/** `history`: older messages, for scrolling up (members only, so a ban also ends reading). */
export const historyHandler = defineHandler('history', historyRequest, async (ctx, { room, before, limit }): Promise<HistoryResult> => {
  requireJoined(ctx, room);
  await ctx.answers?.check(ctx.socket);
  const page = await ctx.chat.history(ctx.socket.data.member, room, before, limit);
  await ctx.answers?.spend(ctx.socket, answerBytes(page.messages));
  return page;
}, { heavy: true });
