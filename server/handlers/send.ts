import type { SendResult } from '../../protocol/index.js';
import type { HandlerContext } from './context.js';
import { ClientError, handle } from './handle.js';
import { sendSchema } from './schemas.js';

/**
 * `send`: stores the message with the room's next seq, then broadcasts it to
 * the room (the sender included). A retried clientMsgId returns the stored
 * original and broadcasts nothing, so a retry is never a duplicate.
 */
export function sendHandler(ctx: HandlerContext) {
  const { io, socket, store, config } = ctx;
  return handle(ctx, 'send', sendSchema, async ({ room, text: raw, clientMsgId }): Promise<SendResult> => {
    if (!socket.rooms.has(room)) throw new ClientError('not_joined', `join ${room} before sending to it`);
    const text = raw.trim();
    if (text.length === 0) throw new ClientError('empty', 'text is empty');
    // Characters are code points, so an emoji counts once, as a person counts it.
    let length = 0;
    for (const _ of text) if (++length > config.maxMessageLength) break;
    if (length > config.maxMessageLength) {
      throw new ClientError('too_long', `text is longer than ${config.maxMessageLength} characters`);
    }
    const { message, duplicate } = await store.append({
      room,
      text,
      author: socket.data.member,
      clientMsgId,
      ts: Date.now(),
    });
    if (!duplicate) io.to(room).emit('message', message);
    return { message };
  });
}
