import { sendRequest, type SendResult } from '../../protocol/index.js';
import { defineHandler, requireJoined } from './define-handler.js';
import { stopTyping } from './typing.js';

/** `send`: the chat core stores and broadcasts the message; the sender stops typing. */
export const sendHandler = defineHandler('send', sendRequest, async (ctx, request): Promise<SendResult> => {
  const { socket, chat, metrics } = ctx;
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
