import { joinRequest, type BanNotice, type JoinResult } from '../../protocol/index.js';
import { ClientError } from '../chat/errors.js';
import { bannedError } from '../chat/moderation.js';
import { answerBytes } from './answer-budget.js';
import type { HandlerContext } from './context.js';
import { defineHandler } from './define-handler.js';
import { actorOf, isChatRoom, readersRoom } from './types.js';

/**
 * Chat rooms one connection may be in at once. Each costs presence and
 * broadcast work; a page of widgets shares one connection, and 50 is far more
 * than any page holds. Past it, `forbidden` (waiting would not help, so not
 * `rate_limited`; the payload is fine, so not `invalid_payload`). Rooms read
 * while banned count too.
 */
export const MAX_ROOMS_PER_CONNECTION = 50;

/**
 * `join`: enters a room and answers with its history. Joining again is how a
 * client resyncs after a reconnect, so it is answered the same way. A
 * member banned from the room is refused `banned` (until when, and why);
 * with `readOnly` they read it instead (v3): answered as usual plus
 * `banned`, in the room's readers (ban-watch.ts tells them when it is over).
 */
export const joinHandler = defineHandler('join', joinRequest, async (ctx, { room, since, limit, sinceRev, readOnly }): Promise<JoinResult> => {
  const { socket, chat, presence } = ctx;
  const member = socket.data.member;
  await ctx.answers?.check(socket);
  let ban = await refusal(ctx, room, readOnly, await chat.moderation.admit(actorOf(socket), room));

  if (ban) await enter(ctx, readersRoom(room));
  // Enter the room before reading history: a message sent in between then
  // arrives both ways, and the client keeps one copy by seq, rather than
  // falling between the two and being missed.
  else if (!socket.rooms.has(room)) {
    await enter(ctx, room);
    // Checked again once in the room: a ban written between the first check
    // and the join evicted nobody, but is seen here. The ban is stored
    // before its eviction is sent, so one of the two always catches a join.
    const late = await chat.moderation.banOn(actorOf(socket), room);
    if (late) {
      await socket.leave(room);
      ban = await refusal(ctx, room, readOnly, late);
      await enter(ctx, readersRoom(room));
    } else {
      // Banned no more (a ban ended before its timer told): a member again.
      if (socket.rooms.has(readersRoom(room))) await socket.leave(readersRoom(room));
      await presence.arrived(room, member, socket.id);
    }
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
  if (ban) result.banned = ban;
  await ctx.answers?.spend(socket, answerBytes(messages, changed, pinned && [pinned]));
  return result;
}, { heavy: true });

/**
 * A ban found at a join: the connection is watched until it ends, and the
 * join refused unless it only asked to read. Answers the ban as the ack
 * tells it.
 */
async function refusal(ctx: HandlerContext, room: string, readOnly: boolean | undefined, ban: (BanNotice & { until: number }) | undefined) {
  if (!ban) return undefined;
  ctx.bans.watch(ctx.socket.id, room, ban.until);
  if (!readOnly) throw bannedError(room, ban);
  return ban;
}

/** Puts the socket in a Socket.IO room (the chat room, or its readers'), within the connection's cap. */
async function enter(ctx: HandlerContext, socketRoom: string): Promise<void> {
  const { socket } = ctx;
  if (!socket.connected || socket.rooms.has(socketRoom)) return;
  // Checked right before joining (no await between), so concurrent joins cannot all pass it.
  const held = [...socket.rooms].filter((r) => r !== socket.id && (isChatRoom(r) || r.startsWith(readersRoom('')))).length;
  if (held >= MAX_ROOMS_PER_CONNECTION) {
    throw new ClientError('forbidden', `a connection may be in at most ${MAX_ROOMS_PER_CONNECTION} rooms; leave one first`);
  }
  await socket.join(socketRoom);
  clearTimeout(ctx.joinTimer);
  ctx.joinTimer = undefined;
}
