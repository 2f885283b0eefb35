import type { SendResult } from '../../protocol/index.js';
import type { HandlerContext } from './context.js';
import { defineHandler, requireJoined } from './define-handler.js';
import { sendSchema } from './schemas.js';
import { stopTyping } from './typing.js';

/** `send`: the chat core stores and broadcasts the message; the sender stops typing. */
export function sendHandler(ctx: HandlerContext) {
  const { socket, chat, metrics } = ctx;
  return defineHandler(ctx, 'send', sendSchema, async (request): Promise<SendResult> => {
    const stopTimer = metrics.sendAckSeconds.startTimer();
    requireJoined(ctx, request.room);
    const { message, duplicate } = await chat.post(socket.data.member, request, {
      limited: true,
      rooms: socket.data.rooms,
      address: socket.data.address,
    });
    if (!duplicate) stopTyping(ctx, request.room);
    stopTimer();
    return { message };
  });
}
