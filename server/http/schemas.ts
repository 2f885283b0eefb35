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
  MAX_NAME_LENGTH,
  REPLY_PREVIEW_LENGTH,
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
    $id: 'Error',
    type: 'object',
    description: 'Every HTTP error, with the codes of the socket events.',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string', enum: Object.keys(ERROR_CODES) },
          message: { type: 'string', description: 'For people; match on `code`.' },
        },
        required: ['code', 'message'],
      },
    },
    required: ['error'],
  },
];

export const errorResponse = (description: string) => ({ description, $ref: 'Error#' });
