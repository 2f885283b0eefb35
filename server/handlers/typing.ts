import { memberRoom, type HandlerContext } from './context.js';
import { handle, requireJoined } from './handle.js';
import { typingSchema } from './schemas.js';

/** A typist's `typing: true` is relayed at most this often; clients repeat it while typing. */
export const TYPING_THROTTLE_MS = 2000;

function relay(ctx: HandlerContext, room: string, typing: boolean): void {
  const member = ctx.socket.data.member;
  // Never to the typist: not this socket, nor their other tabs.
  ctx.socket.to(room).except(memberRoom(member.id)).emit('typing', { room, member, typing });
}

/** Tells the room this socket stopped typing, if it had said it was (on send, leave, disconnect). */
export function stopTyping(ctx: HandlerContext, room: string): void {
  if (ctx.typing.delete(room)) relay(ctx, room, false);
}

/** `typing`: relayed to the others in the room, throttled. */
export function typingHandler(ctx: HandlerContext) {
  return handle(ctx, 'typing', typingSchema, async ({ room, typing }) => {
    requireJoined(ctx, room);
    if (!typing) {
      stopTyping(ctx, room);
      return {};
    }
    const now = Date.now();
    const last = ctx.typing.get(room);
    if (last === undefined || now - last >= TYPING_THROTTLE_MS) {
      ctx.typing.set(room, now);
      relay(ctx, room, true);
    }
    return {};
  });
}
