import { TYPING_THROTTLE_MS, typingRequest } from '../../protocol/index.js';
import type { HandlerContext } from './context.js';
import { defineHandler, requireJoined } from './define-handler.js';
import { memberRoom } from './types.js';

function tellOthers(ctx: HandlerContext, room: string, typing: boolean): void {
  const member = ctx.socket.data.member;
  // Never to the typist: not this socket, nor their other tabs.
  ctx.socket.to(room).except(memberRoom(member.id)).emit('typing', { room, member, typing });
}

/** Tells the room this socket stopped typing, if it had said it was (on send, leave, disconnect). */
export function stopTyping(ctx: HandlerContext, room: string): void {
  if (ctx.typing?.delete(room)) tellOthers(ctx, room, false);
}

/** `typing`: relayed to the others in the room, throttled. */
export const typingHandler = defineHandler('typing', typingRequest, async (ctx, { room, typing }) => {
  requireJoined(ctx, room);
  if (!typing) {
    stopTyping(ctx, room);
    return {};
  }
  const now = Date.now();
  const last = ctx.typing?.get(room);
  if (last === undefined || now - last >= TYPING_THROTTLE_MS) {
    (ctx.typing ??= new Map()).set(room, now);
    tellOthers(ctx, room, true);
  }
  return {};
});
