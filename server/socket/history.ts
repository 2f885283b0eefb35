import { historyRequest, type HistoryResult } from '../../protocol/index.js';
import { answerBytes } from './answer-budget.js';
import { defineHandler, requireReading } from './define-handler.js';

/** `history`: older messages, for scrolling up (members, and banned members who read the room). */
export const historyHandler = defineHandler('history', historyRequest, async (ctx, { room, before, limit }): Promise<HistoryResult> => {
  requireReading(ctx, room);
  await ctx.answers?.check(ctx.socket);
  const page = await ctx.chat.history(ctx.socket.data.member, room, before, limit);
  await ctx.answers?.spend(ctx.socket, answerBytes(page.messages));
  return page;
}, { heavy: true });
