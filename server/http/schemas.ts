/**
 * The wire shapes of protocol/index.ts as JSON schemas, built from its
 * constants: they validate requests, document /openapi.json and serialize
 * answers (a field missing here would be dropped from the answer, which the
 * HTTP tests would catch).
 */
import {
  CLIENT_ID_PATTERN,
  HISTORY_DEFAULT_LIMIT,
  HISTORY_MAX_LIMIT,
  MAX_BAN_MINUTES,
  MAX_BLOCKED_WORD_LENGTH,
  MAX_BLOCKED_WORDS,
  MAX_NAME_LENGTH,
  MAX_REASON_LENGTH,
  MAX_SLOW_MODE_SECONDS,
  MAX_TOPIC_LENGTH,
  REPLY_PREVIEW_LENGTH,
  REPORTS_DEFAULT_LIMIT,
  REPORTS_MAX_LIMIT,
  ROOM_PATTERN,
  type ErrorCode,
  type HandshakeErrorCode,
} from '../../protocol/index.js';

/** Every code an HTTP error can carry; a Record so a code added to the protocol must be added here. */
export const ERROR_CODES: Record<ErrorCode | Extract<HandshakeErrorCode, 'unauthorized'>, true> = {
  invalid_payload: true,
  invalid_room: true,
  not_joined: true,
  empty: true,
  too_long: true,
  rate_limited: true,
  forbidden: true,
  banned: true,
  not_found: true,
  unavailable: true,
  internal: true,
  slow_mode: true,
  members_only: true,
  paused: true,
  blocked: true,
  unauthorized: true,
};
export type HttpErrorCode = keyof typeof ERROR_CODES;

/** The room in a route's path; a name that breaks the pattern answers `invalid_room` (errors.ts). */
export const roomParams = {
  type: 'object',
  properties: {
    room: { type: 'string', pattern: ROOM_PATTERN.source, description: 'The room, as on the socket (`join { room }`).' },
  },
  required: ['room'],
} as const;

export const pageQuery = {
  type: 'object',
  // Strings of digits: the app validates without coercion (see app.ts).
  properties: {
    before: {
      type: 'string',
      pattern: '^[0-9]{1,15}$',
      description: 'Only messages with a `seq` below this one; omit for the newest.',
    },
    limit: {
      type: 'string',
      pattern: '^[1-9][0-9]{0,5}$',
      description: `How many messages (default ${HISTORY_DEFAULT_LIMIT}, at most ${HISTORY_MAX_LIMIT}; more is read as ${HISTORY_MAX_LIMIT}).`,
    },
  },
  additionalProperties: false,
} as const;

export const postBody = {
  type: 'object',
  properties: {
    text: { type: 'string', description: 'Plain text; trimmed, then 1 to MAX_MESSAGE_LENGTH characters.' },
    author: {
      type: 'object',
      properties: {
        id: {
          type: 'string',
          minLength: 1,
          maxLength: 128,
          pattern: '^(?!guest:)',
          description: 'The author id; never starts with `guest:`.',
        },
        name: { type: 'string', description: `1–${MAX_NAME_LENGTH} characters, no control characters.` },
        avatar: { type: 'string', pattern: '^https://', maxLength: 2048 },
      },
      required: ['id', 'name'],
      additionalProperties: false,
    },
    clientMsgId: {
      type: 'string',
      pattern: CLIENT_ID_PATTERN.source,
      description: 'Makes retries safe: the same id again answers 200 with the original, broadcast once.',
    },
    replyTo: {
      type: 'integer',
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'The `seq` of the message of this room the new one answers (`not_found` when there is none).',
    },
  },
  required: ['text', 'author'],
  additionalProperties: false,
} as const;

// ---- the admin routes (admin.ts)

/** How many rooms GET /api/rooms lists by default, and at most. */
export const ROOMS_DEFAULT_LIMIT = 100;
export const ROOMS_MAX_LIMIT = 500;
/** How many audit entries a page holds by default, and at most. */
export const AUDIT_DEFAULT_LIMIT = 50;
export const AUDIT_MAX_LIMIT = 200;

const digits = (description: string) => ({ type: 'string', pattern: '^[0-9]{1,15}$', description }) as const;
const count = (description: string) => ({ type: 'string', pattern: '^[1-9][0-9]{0,5}$', description }) as const;
const memberIdSchema = { type: 'string', minLength: 1, maxLength: 200, description: "The member's id (`guest:…` for a guest)." } as const;

export const roomsQuery = {
  type: 'object',
  properties: {
    limit: count(`How many rooms (default ${ROOMS_DEFAULT_LIMIT}, at most ${ROOMS_MAX_LIMIT}; more is read as ${ROOMS_MAX_LIMIT}).`),
    q: { type: 'string', maxLength: 64, description: 'Only rooms whose name contains this, case aside.' },
  },
  additionalProperties: false,
} as const;

export const seqParams = {
  type: 'object',
  properties: {
    room: roomParams.properties.room,
    seq: { type: 'string', pattern: '^[1-9][0-9]{0,15}$', description: "The message's `seq`." },
  },
  required: ['room', 'seq'],
} as const;

export const memberParams = {
  type: 'object',
  properties: { room: roomParams.properties.room, memberId: memberIdSchema },
  required: ['room', 'memberId'],
} as const;

const reportId = { type: 'string', minLength: 1, maxLength: 64 } as const;

export const reportParams = {
  type: 'object',
  properties: { id: { ...reportId, description: "The report's id." } },
  required: ['id'],
} as const;

export const settingsPatch = {
  type: 'object',
  description: 'The settings to change; those not named keep their value (as the socket `configure`).',
  properties: {
    topic: { type: 'string', maxLength: MAX_TOPIC_LENGTH },
    slowModeSeconds: { type: 'integer', minimum: 0, maximum: MAX_SLOW_MODE_SECONDS },
    membersOnly: { type: 'boolean' },
    paused: { type: 'boolean' },
    pinnedSeq: {
      type: 'integer',
      nullable: true,
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'A message of the room (`not_found` otherwise), or null.',
    },
    blockedWords: {
      type: 'array',
      maxItems: MAX_BLOCKED_WORDS,
      // Trimmed when stored; one of only spaces is no entry, so refused.
      items: { type: 'string', minLength: 1, maxLength: MAX_BLOCKED_WORD_LENGTH, pattern: '\\S' },
    },
  },
  additionalProperties: false,
} as const;

export const banBody = {
  type: 'object',
  properties: {
    memberId: memberIdSchema,
    minutes: { type: 'number', minimum: 1, maximum: MAX_BAN_MINUTES, description: `1 to ${MAX_BAN_MINUTES} (a year).` },
    reason: { type: 'string', maxLength: MAX_REASON_LENGTH, description: 'Shown to the banned member and in the ban list.' },
  },
  required: ['memberId', 'minutes'],
  additionalProperties: false,
} as const;

export const reportsQuery = {
  type: 'object',
  properties: {
    room: { ...roomParams.properties.room, description: 'Only this room’s reports.' },
    status: { type: 'string', enum: ['open', 'resolved'], description: 'Only open, or only resolved, reports.' },
    before: {
      ...reportId,
      description: 'Only reports older than the report with this `id` (the last of the page before; whatever its status); omit for the newest.',
    },
    limit: count(`How many reports (default ${REPORTS_DEFAULT_LIMIT}, at most ${REPORTS_MAX_LIMIT}; more is read as ${REPORTS_MAX_LIMIT}).`),
  },
  additionalProperties: false,
} as const;

export const auditQuery = {
  type: 'object',
  properties: {
    before: digits('Only entries older than the entry with this `id`; omit for the newest.'),
    limit: count(`How many entries (default ${AUDIT_DEFAULT_LIMIT}, at most ${AUDIT_MAX_LIMIT}; more is read as ${AUDIT_MAX_LIMIT}).`),
  },
  additionalProperties: false,
} as const;

/** Shared schemas, referred to by `$ref` from the routes. */
export const sharedSchemas = [
  {
    $id: 'Member',
    type: 'object',
    description: 'Who wrote a message. `verified` members come from a signed token or the HTTP API.',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      avatar: { type: 'string', description: 'An https:// image URL.' },
      verified: { type: 'boolean' },
      role: { type: 'string', enum: ['moderator'] },
    },
    required: ['id', 'name', 'verified'],
  },
  {
    $id: 'Message',
    type: 'object',
    description: 'A stored message. Its text is plain text, never HTML.',
    properties: {
      id: { type: 'string', description: 'Unique across all rooms.' },
      room: { type: 'string' },
      seq: { type: 'integer', description: '1, 2, 3 … per room, assigned by the relay, no gaps, never reused.' },
      text: { type: 'string', description: 'As sent, trimmed; `""` once deleted.' },
      author: { $ref: 'Member#' },
      ts: { type: 'integer', description: 'Milliseconds since the epoch, relay clock.' },
      clientMsgId: { type: 'string' },
      deleted: { type: 'boolean', enum: [true] },
      rev: { type: 'integer', description: "The room's revision at this message's last change (sent, edited, deleted, reacted to)." },
      editedAt: { type: 'integer', description: 'When the author last edited the text, milliseconds since the epoch.' },
      replyTo: {
        type: 'object',
        description: `The message this one answers, as it is now: its text cut to ${REPLY_PREVIEW_LENGTH} characters, \`""\` once deleted.`,
        properties: {
          seq: { type: 'integer' },
          author: { $ref: 'Member#' },
          text: { type: 'string' },
        },
        required: ['seq', 'author', 'text'],
      },
      mentions: { type: 'array', description: 'The members the sender named.', items: { $ref: 'Member#' } },
      reactions: {
        type: 'array',
        description: 'Each emoji reacted with and how many members did, in first-reacted order.',
        items: {
          type: 'object',
          properties: { emoji: { type: 'string' }, count: { type: 'integer', minimum: 1 } },
          required: ['emoji', 'count'],
        },
      },
    },
    required: ['id', 'room', 'seq', 'text', 'author', 'ts', 'rev'],
  },
  {
    $id: 'MessagePage',
    type: 'object',
    description: 'Messages oldest first, and whether older ones remain (as the socket `history` answers).',
    properties: {
      messages: { type: 'array', items: { $ref: 'Message#' } },
      hasMore: { type: 'boolean' },
    },
    required: ['messages', 'hasMore'],
  },
  {
    $id: 'RoomSettings',
    type: 'object',
    description: "A room's settings, blocked words included (the admin sees them, as the room's moderators do).",
    properties: {
      topic: { type: 'string' },
      slowModeSeconds: { type: 'integer', description: 'Seconds a member waits between two messages; 0 = off.' },
      membersOnly: { type: 'boolean', description: 'Only verified members may send, edit and react.' },
      paused: { type: 'boolean', description: 'Only moderators may send, edit and react.' },
      pinnedSeq: { type: 'integer', nullable: true },
      blockedWords: { type: 'array', items: { type: 'string' } },
    },
    required: ['topic', 'slowModeSeconds', 'membersOnly', 'paused', 'pinnedSeq', 'blockedWords'],
  },
  {
    $id: 'Ban',
    type: 'object',
    description: "A member's ban from a room.",
    properties: {
      member: { $ref: 'Member#' },
      until: { type: 'integer', nullable: true, description: 'When it ends, ms since the epoch; null: never.' },
      reason: { type: 'string' },
      by: { $ref: 'Member#' },
      ts: { type: 'integer', description: 'When it was made.' },
    },
    required: ['member', 'until', 'by', 'ts'],
  },
  {
    $id: 'Report',
    type: 'object',
    description: 'Every report of one message: who reported it and why.',
    properties: {
      id: { type: 'string' },
      room: { type: 'string' },
      message: { $ref: 'Message#' },
      reporters: { type: 'array', items: { $ref: 'Member#' } },
      reasons: { type: 'array', items: { type: 'string' } },
      count: { type: 'integer', minimum: 1 },
      status: { type: 'string', enum: ['open', 'resolved'] },
      ts: { type: 'integer', description: 'When it was first reported.' },
    },
    required: ['id', 'room', 'message', 'reporters', 'reasons', 'count', 'status', 'ts'],
  },
  {
    $id: 'AuditEntry',
    type: 'object',
    description: "A moderator's or the admin's action, over Socket.IO or HTTP alike.",
    properties: {
      id: { type: 'integer' },
      ts: { type: 'integer' },
      actor: { $ref: 'Member#' },
      action: { type: 'string', enum: ['delete', 'ban', 'unban', 'configure', 'resolve_report'] },
      memberId: { type: 'string' },
      seq: { type: 'integer' },
      detail: { type: 'string' },
    },
    required: ['id', 'ts', 'actor', 'action'],
  },
  {
    $id: 'RoomSummary',
    type: 'object',
    properties: {
      room: { type: 'string' },
      online: { type: 'integer', description: 'Members online in it now, on every relay.' },
      messages: { type: 'integer', description: 'Messages stored and not deleted.' },
      lastSeq: { type: 'integer' },
      lastMessageAt: { type: 'integer', nullable: true, description: 'When its latest message was sent, ms since the epoch.' },
    },
    required: ['room', 'online', 'messages', 'lastSeq', 'lastMessageAt'],
  },
  {
    $id: 'Error',
    type: 'object',
    description: 'Every HTTP error, with the codes of the socket events.',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string', enum: Object.keys(ERROR_CODES) },
          message: { type: 'string', description: 'For people; match on `code`.' },
          retryAfterMs: { type: 'integer', description: 'With `rate_limited`: how long to wait before trying again.' },
        },
        required: ['code', 'message'],
      },
    },
    required: ['error'],
  },
];

export const errorResponse = (description: string) => ({ description, $ref: 'Error#' });
