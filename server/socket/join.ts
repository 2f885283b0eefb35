import { joinRequest, type JoinResult } from '../../protocol/index.js';
import { ClientError } from '../chat/errors.js';
import { answerBytes } from './answer-budget.js';
import { defineHandler } from './define-handler.js';
import { actorOf, chatRooms } from './types.js';

/**
 * Chat rooms one connection may be in at once. Each costs presence and
 * broadcast work; a page of widgets shares one connection, and 50 is far more
 * than any page holds. Past it, `forbidden` (waiting would not help, so not
 * `rate_limited`; the payload is fine, so not `invalid_payload`).
 */
export const MAX_ROOMS_PER_CONNECTION = 50;

/**
 * `join`: enters a room and answers with its history. Joining again is how a
 * client resyncs after a reconnect, so it is answered the same way.
 */
export const joinHandler = defineHandler('join', joinRequest, async (ctx, { room, since, limit, sinceRev }): Promise<JoinResult> => {
  const { socket, chat, presence } = ctx;
  const member = socket.data.member;
  await ctx.answers?.check(socket);
  await chat.moderation.admit(actorOf(socket), room);

  // Enter the room before reading history: a message sent in between then
  // arrives both ways, and the client keeps one copy by seq, rather than
  // falling between the two and being missed.
  if (socket.connected && !socket.rooms.has(room)) {
    // Checked right before joining (no await between), so concurrent joins cannot all pass it.
    if (chatRooms(socket).length >= MAX_ROOMS_PER_CONNECTION) {
      throw new ClientError('forbidden', `a connection may be in at most ${MAX_ROOMS_PER_CONNECTION} rooms; leave one first`);
    }
    await socket.join(room);
    clearTimeout(ctx.joinTimer);
    ctx.joinTimer = undefined;
    // Checked again once in the room: a ban written between the first check
    // and the join evicted nobody, but is seen here. The ban is stored
    // before its eviction is sent, so one of the two always catches a join.
    if (await chat.moderation.refused(actorOf(socket), room)) {
      await socket.leave(room);
      await chat.moderation.admit(actorOf(socket), room);
    }
    await presence.arrived(room, member, socket.id);
  }
  const recent = await chat.recent(room, since, limit, sinceRev, member.id);
  const { messages, truncated, lastSeq, rev, changed, changedTruncated, myReactions } = recent;
  const { count, members } = await presence.snapshot(room);
  const { settings, pinned } = await chat.moderation.view(actorOf(socket), room);
  const result: JoinResult = { room, messages, members, count, self: member, lastSeq, rev, myReactions, settings };
  if (truncated) result.truncated = true;
  if (changed) result.changed = changed;
  if (changedTruncated) result.changedTruncated = true;
  if (pinned) result.pinned = pinned;
  await ctx.answers?.spend(socket, answerBytes(messages, changed, pinned && [pinned]));
  return result;
}, { heavy: true });
