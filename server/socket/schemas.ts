import { z } from 'zod';
import { CLIENT_ID_PATTERN, MAX_MENTIONS } from '../../protocol/index.js';

/** One schema per client event; strict objects, so unknown fields are refused. */

// Room names are checked after the shape (invalid_room rather than invalid_payload).
const room = z.string();
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const limit = z.number().int().min(1);

export const joinSchema = z.strictObject({ room, since: seq.optional(), limit: limit.optional(), sinceRev: seq.optional() });
export const leaveSchema = z.strictObject({ room });
export const sendSchema = z.strictObject({
  room,
  text: z.string(),
  clientMsgId: z.string().regex(CLIENT_ID_PATTERN, 'must be 8–64 of A-Z a-z 0-9 _ -'),
  replyTo: seq.min(1).optional(),
  mentions: z.array(z.string().min(1).max(200)).max(MAX_MENTIONS).optional(),
});
export const historySchema = z.strictObject({ room, before: seq, limit: limit.optional() });
export const typingSchema = z.strictObject({ room, typing: z.boolean() });
export const deleteSchema = z.strictObject({ room, seq: seq.min(1) });
export const banSchema = z.strictObject({
  room,
  memberId: z.string().min(1).max(200),
  // Up to a year; a longer ban is a matter for the host site's accounts.
  minutes: z.number().positive().max(525_600),
});
export const editSchema = z.strictObject({ room, seq: seq.min(1), text: z.string() });
// The emoji is checked against REACTIONS by the chat core; here only its size is bounded.
export const reactSchema = z.strictObject({ room, seq: seq.min(1), emoji: z.string().min(1).max(64), on: z.boolean() });
