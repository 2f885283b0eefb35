import { z } from 'zod';
import {
  CLIENT_ID_PATTERN,
  MAX_MENTIONS,
  MAX_BAN_MINUTES,
  MAX_BLOCKED_WORD_LENGTH,
  MAX_BLOCKED_WORDS,
  MAX_REASON_LENGTH,
  MAX_SLOW_MODE_SECONDS,
  MAX_TOPIC_LENGTH,
} from '../../protocol/index.js';

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
/** A string of at most `max` characters, counted as code points (an emoji is one), as message text is. */
const chars = (min: number, max: number) =>
  z.string().refine((text) => {
    const length = [...text].length;
    return length >= min && length <= max;
  }, `must be ${min === 0 ? 'at most' : `${min}–`}${max} characters`);
const reason = chars(0, MAX_REASON_LENGTH).optional();
const memberId = z.string().min(1).max(200);

export const banSchema = z.strictObject({
  room,
  memberId,
  // Up to a year; a longer ban is a matter for the host site's accounts.
  minutes: z.number().min(1).max(MAX_BAN_MINUTES),
  reason,
});
export const editSchema = z.strictObject({ room, seq: seq.min(1), text: z.string() });
// The emoji is checked against REACTIONS by the chat core; here only its size is bounded.
export const reactSchema = z.strictObject({ room, seq: seq.min(1), emoji: z.string().min(1).max(64), on: z.boolean() });
export const configureSchema = z.strictObject({
  room,
  settings: z.strictObject({
    topic: chars(0, MAX_TOPIC_LENGTH).optional(),
    slowModeSeconds: z.number().int().min(0).max(MAX_SLOW_MODE_SECONDS).optional(),
    membersOnly: z.boolean().optional(),
    paused: z.boolean().optional(),
    pinnedSeq: seq.min(1).nullable().optional(),
    // Trimmed first, so "  " is no entry.
    blockedWords: z.array(z.string().trim().pipe(chars(1, MAX_BLOCKED_WORD_LENGTH))).max(MAX_BLOCKED_WORDS).optional(),
  }),
});
export const unbanSchema = z.strictObject({ room, memberId });
export const bansSchema = z.strictObject({ room });
export const reportSchema = z.strictObject({ room, seq: seq.min(1), reason });
