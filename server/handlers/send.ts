import { RateLimiterRes } from 'rate-limiter-flexible';
import type { SendResult } from '../../protocol/index.js';
import type { HandlerContext } from './context.js';
import { ClientError, handle, requireJoined } from './handle.js';
import { sendSchema } from './schemas.js';
import { stopTyping } from './typing.js';

/**
 * A message's text as stored: trimmed, not empty, at most `max` characters.
 * Characters are code points, so an emoji counts once, as a person counts it.
 * Shared by the socket `send` and the HTTP API.
 */
export function messageText(raw: string, max: number): string {
  const text = raw.trim();
  if (text.length === 0) throw new ClientError('empty', 'text is empty');
  if (text.length > max) {
    let length = 0;
    for (const _ of text) {
      if (++length > max) throw new ClientError('too_long', `text is longer than ${max} characters`);
    }
  }
  return text;
}

/** Takes one message from the member's allowance, or refuses with how long to wait. */
async function spend(ctx: HandlerContext): Promise<void> {
  if (!ctx.limiter) return;
  try {
    await ctx.limiter.consume(ctx.socket.data.member.id);
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    const retryAfterMs = Math.max(1, Math.ceil(refusal.msBeforeNext));
    throw new ClientError('rate_limited', `too many messages; retry in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs);
  }
}

/**
 * `send`: stores the message with the room's next seq, then broadcasts it to
 * the room (the sender included). A retried clientMsgId returns the stored
 * original and broadcasts nothing, so a retry is never a duplicate.
 */
export function sendHandler(ctx: HandlerContext) {
  const { io, socket, store, config, metrics } = ctx;
  return handle(ctx, 'send', sendSchema, async ({ room, text: raw, clientMsgId }): Promise<SendResult> => {
    const stopTimer = metrics.sendAckSeconds.startTimer();
    requireJoined(ctx, room);
    const text = messageText(raw, config.maxMessageLength);
    try {
      await spend(ctx);
    } catch (refusal) {
      // A retry of a stored message is answered with it, never refused.
      const original = await store.find(room, socket.data.member.id, clientMsgId);
      if (original) return { message: original };
      throw refusal;
    }
    const { message, duplicate } = await store.append({
      room,
      text,
      author: socket.data.member,
      clientMsgId,
      ts: Date.now(),
    });
    if (!duplicate) {
      stopTyping(ctx, room);
      io.to(room).emit('message', message);
      metrics.messagesSent.inc();
    }
    stopTimer();
    return { message };
  });
}
