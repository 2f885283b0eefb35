/**
 * The shapes of the contract (PROTOCOL.md) as zod schemas: their types (by
 * z.infer), the socket's validation and the HTTP routes' JSON Schema all come
 * from here. Browser code imports these types with `import type` only, so it
 * ships no zod; runtime constants it needs live in limits.ts.
 */
import { z } from 'zod';
import { BLOCKED_WORD_PATTERN, MAX_BLOCKED_WORD_LENGTH, MAX_BLOCKED_WORDS, MAX_SLOW_MODE_SECONDS, MAX_TOPIC_LENGTH, REPLY_PREVIEW_LENGTH } from './limits.js';

/**
 * The shapes the HTTP routes share by `$ref` (components/schemas/<id> in
 * /openapi.json). A registry of its own, not zod's global one, so a second
 * copy of this module (sources and build in one process) names nothing twice.
 */
export const sharedShapes = z.registry<{ id: string }>();
/** Names a shape shared by `$ref`. */
export function nameShape<S extends z.ZodType>(schema: S, id: string): S {
  sharedShapes.add(schema, { id });
  return schema;
}

/** A whole number JSON and JavaScript both hold exactly: a seq, a revision, a time in ms. */
export const whole = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A message's seq in a request: 1, 2, 3 … */
export const seqRef = whole.min(1);

/**
 * A string of `min` to `max` characters. zod (4.6) and JSON Schema's
 * minLength and maxLength both count code points (an emoji is one), as
 * message text is counted, so the socket and HTTP refuse the same strings.
 */
export function chars(min: number, max: number) {
  const message = `must be ${min === 0 ? 'at most' : `${min}–`}${max} characters`;
  return (min === 0 ? z.string() : z.string().min(min, message)).max(max, message);
}

export const role = z.literal('moderator');

export const member = nameShape(
  z
    .object({
      id: z.string(),
      name: z.string(),
      avatar: z.string().optional().meta({ description: 'An https:// image URL.' }),
      verified: z.boolean(),
      role: role.optional(),
    })
    .meta({ description: 'Who wrote a message. `verified` members come from a signed token or the HTTP API.' }),
  'Member',
);

export const replyPreview = z
  .object({ seq: z.number().int(), author: member, text: z.string() })
  .meta({ description: `The message this one answers, as it is now: its text cut to ${REPLY_PREVIEW_LENGTH} characters, \`""\` once deleted.` });

export const reactionCount = z.object({ emoji: z.string(), count: z.number().int().min(1) });

export const message = nameShape(
  z
    .object({
      /** Unique across all rooms. */
      id: z.string().meta({ description: 'Unique across all rooms.' }),
      room: z.string(),
      /** 1, 2, 3 … per room, assigned by the relay, no gaps, never reused. */
      seq: z.number().int().meta({ description: '1, 2, 3 … per room, assigned by the relay, no gaps, never reused.' }),
      /** Stored and sent verbatim (after trim); never HTML. */
      text: z.string().meta({ description: 'As sent, trimmed; `""` once deleted.' }),
      author: member,
      /** Milliseconds since epoch, relay clock. */
      ts: z.number().int().meta({ description: 'Milliseconds since the epoch, relay clock.' }),
      clientMsgId: z.string().optional(),
      deleted: z.literal(true).optional(),
      /** The room's revision at this message's last change (sent, edited, deleted, reacted to). */
      rev: z.number().int().meta({ description: "The room's revision at this message's last change (sent, edited, deleted, reacted to)." }),
      /** Set by `edit`: when the text last changed, ms since epoch. */
      editedAt: z.number().int().optional().meta({ description: 'When the author last edited the text, milliseconds since the epoch.' }),
      /** The parent as it is now: its text cut to REPLY_PREVIEW_LENGTH characters, `""` once deleted. */
      replyTo: replyPreview.optional(),
      /** The members the sender named (at most MAX_MENTIONS). */
      mentions: z.array(member).optional().meta({ description: 'The members the sender named.' }),
      /** Each emoji reacted with (count ≥ 1), in first-reacted order. */
      reactions: z
        .array(reactionCount)
        .optional()
        .meta({ description: 'Each emoji reacted with and how many members did, in first-reacted order.' }),
    })
    .meta({ description: 'A stored message. Its text is plain text, never HTML.' }),
  'Message',
);

/** One of the member's own reactions, as the join ack and `history` list them. */
export const ownReaction = z.object({ seq: z.number().int(), emoji: z.string() });

/** v2: a room's settings; moderators change them with `configure`. */
export const roomSettings = nameShape(
  z
    .object({
      /** At most MAX_TOPIC_LENGTH characters, "" by default. */
      topic: z.string(),
      /** 0 (off) to MAX_SLOW_MODE_SECONDS: how long a member (and a guest's network) waits between two writes (send, edit, react, report). */
      slowModeSeconds: z.number().int().meta({ description: 'Seconds a member waits between two messages; 0 = off.' }),
      /** Only verified members may send, edit and react; guests still read (and report). */
      membersOnly: z.boolean().meta({ description: 'Only verified members may send, edit and react.' }),
      /** Only moderators may send, edit and react (anyone may still report). */
      paused: z.boolean().meta({ description: 'Only moderators may send, edit and react.' }),
      /** A message of the room shown pinned, or null. */
      pinnedSeq: z.number().int().nullable(),
      /** At most MAX_BLOCKED_WORDS entries of 1–MAX_BLOCKED_WORD_LENGTH characters; [] for non-moderators. */
      blockedWords: z.array(z.string()),
    })
    .meta({ description: "A room's settings, blocked words included (the admin sees them, as the room's moderators do)." }),
  'RoomSettings',
);

/**
 * The settings a `configure` (or PATCH …/settings) changes; those not named
 * keep their value. Unknown settings are refused.
 */
export const settingsPatch = z
  .strictObject({
    topic: chars(0, MAX_TOPIC_LENGTH).optional(),
    slowModeSeconds: z.number().int().min(0).max(MAX_SLOW_MODE_SECONDS).optional(),
    membersOnly: z.boolean().optional(),
    paused: z.boolean().optional(),
    pinnedSeq: seqRef.nullable().optional().meta({ description: 'A message of the room (`not_found` otherwise), or null.' }),
    // Trimmed when stored, so one of only spaces is no entry.
    blockedWords: z
      .array(z.string().regex(BLOCKED_WORD_PATTERN, `must be 1–${MAX_BLOCKED_WORD_LENGTH} characters`))
      .max(MAX_BLOCKED_WORDS)
      .optional(),
  })
  .meta({ description: 'The settings to change; those not named keep their value (as the socket `configure`).' });

/** v2: a member's ban from a room. */
export const ban = nameShape(
  z
    .object({
      member,
      /** When it ends (ms since epoch); null for a ban without end. */
      until: z.number().int().nullable().meta({ description: 'When it ends, ms since the epoch; null: never.' }),
      reason: z.string().optional(),
      by: member,
      /** When it was made. */
      ts: z.number().int().meta({ description: 'When it was made.' }),
    })
    .meta({ description: "A member's ban from a room." }),
  'Ban',
);

export const errorCode = z.enum([
  'invalid_payload',
  'invalid_room',
  'not_joined',
  'empty',
  'too_long',
  'rate_limited',
  'forbidden',
  'banned',
  'not_found',
  'unavailable',
  'internal',
  // v2
  'slow_mode',
  'members_only',
  'paused',
  'blocked',
]);

export const errorBody = z.object({
  code: errorCode,
  message: z.string().meta({ description: 'For people; match on `code`.' }),
  retryAfterMs: z.number().int().optional().meta({ description: 'With `rate_limited`: how long to wait before trying again.' }),
  /** v3, with `banned` from `join`: when the ban ends (null: never). */
  until: z.number().int().nullable().optional().meta({ description: 'With `banned`: when the ban ends, ms since the epoch.' }),
  /** v3, with `banned` from `join`: the moderator's reason, when they gave one. */
  reason: z.string().optional().meta({ description: "With `banned`: the moderator's reason, when given." }),
});

export type Role = z.infer<typeof role>;
export type Member = z.infer<typeof member>;
export type Message = z.infer<typeof message>;
export type ReplyPreview = z.infer<typeof replyPreview>;
export type ReactionCount = z.infer<typeof reactionCount>;
export type OwnReaction = z.infer<typeof ownReaction>;
export type RoomSettings = z.infer<typeof roomSettings>;
export type SettingsPatch = z.infer<typeof settingsPatch>;
export type Ban = z.infer<typeof ban>;
export type ErrorCode = z.infer<typeof errorCode>;
export type ErrorBody = z.infer<typeof errorBody>;
/** Codes a refused handshake carries as `connect_error`'s `err.message`. */
export type HandshakeErrorCode = 'unauthorized' | 'origin_not_allowed' | 'invalid_name' | 'too_many_connections' | 'banned';
