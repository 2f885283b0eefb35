import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, ROOM_PATTERN, type ErrorCode } from '../../protocol/index.js';
import { ClientError } from '../handlers/handle.js';
import { pageSize } from '../handlers/schemas.js';
import { messageText } from '../handlers/send.js';
import { cleanName } from '../identity.js';
import { StorageError } from '../stores/index.js';

const STATUS: Partial<Record<ErrorCode | 'unauthorized', number>> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

const roomParams = {
  type: 'object',
  properties: {
    // No pattern here: a bad name must answer invalid_room, not invalid_payload (openapi.ts documents the pattern).
    room: { type: 'string', description: 'The room, as on the socket (`join { room }`).' },
  },
  required: ['room'],
} as const;

/** Every code an HTTP error can carry; a Record so a code added to the protocol must be added here. */
const ERROR_CODES: Record<ErrorCode | 'unauthorized', true> = {
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

/**
 * The wire shapes of protocol/index.ts as shared JSON schemas: they document
 * the responses in /openapi.json and serialize them (a field missing here
 * would be dropped from the answer, which the HTTP tests would catch).
 */
const sharedSchemas = [
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
      seq: { type: 'integer', description: "1, 2, 3 … per room, assigned by the relay, no gaps, never reused." },
      text: { type: 'string', description: 'As sent, trimmed; `""` once deleted.' },
      author: { $ref: 'Member#' },
      ts: { type: 'integer', description: 'Milliseconds since the epoch, relay clock.' },
      clientMsgId: { type: 'string' },
      deleted: { type: 'boolean', enum: [true] },
    },
    required: ['id', 'room', 'seq', 'text', 'author', 'ts'],
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

const error = (description: string) => ({ description, $ref: 'Error#' });

/**
 * The HTTP API: read a room's messages; post into a room with
 * ADMIN_API_KEY (a bot, an integration), which members see live. Errors
 * answer `{ error: { code, message } }` with the socket events' codes.
 */
export default fp(
  async (app) => {
    const { config } = app;
    const key = config.adminApiKey ? digest(config.adminApiKey) : undefined;
    for (const schema of sharedSchemas) app.addSchema(schema);

    /** Bearer ADMIN_API_KEY, compared in constant time. */
    function authorize(request: FastifyRequest): void {
      if (!key) throw new HttpError('unauthorized', 'the write API is disabled: ADMIN_API_KEY is not set');
      const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
      if (!match || !timingSafeEqual(digest(match[1]!), key)) {
        throw new HttpError('unauthorized', 'missing or wrong Authorization: Bearer key');
      }
    }

    function room(request: FastifyRequest<{ Params: { room: string } }>): string {
      const { room } = request.params;
      if (!ROOM_PATTERN.test(room)) throw new ClientError('invalid_room', 'room must match ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$');
      return room;
    }

    app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, request, reply: FastifyReply) => {
      let code: ErrorCode | 'unauthorized';
      let message = error.message;
      if (error instanceof HttpError) code = error.code;
      else if (error instanceof ClientError) ({ code, message } = error.body);
      else if (error.validation || (error.statusCode && error.statusCode < 500)) code = 'invalid_payload';
      else if (error instanceof StorageError) {
        code = 'unavailable';
        message = 'storage is unavailable; retry later';
      } else {
        request.log.error({ err: error }, 'request failed');
        code = 'internal';
        message = 'internal error';
      }
      app.metrics.errors.inc({ code });
      return reply.code(STATUS[code] ?? error.statusCode ?? 400).send({ error: { code, message } });
    });
    app.setNotFoundHandler((request, reply) =>
      reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url}` } }),
    );

    app.get<{ Params: { room: string }; Querystring: { before?: string; limit?: string } }>(
      '/api/rooms/:room/messages',
      {
        schema: {
          summary: "Read a room's messages",
          description:
            'Pages back through a room like the socket `history` event: without `before`, the newest messages. ' +
            'Open to anyone while GUESTS=on; with GUESTS=off it needs `Authorization: Bearer <ADMIN_API_KEY>`.',
          tags: ['api'],
          security: [{}, { adminApiKey: [] }],
          params: roomParams,
          querystring: {
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
          },
          response: {
            200: { description: 'The page of messages.', $ref: 'MessagePage#' },
            400: error('`invalid_room` or `invalid_payload` (an unknown or malformed query parameter).'),
            401: error('`unauthorized`: GUESTS=off and the key is missing or wrong.'),
            503: error('`unavailable`: the database failed; retry later.'),
            500: error('`internal`.'),
          },
        },
      },
      async (request) => {
        // With guests off, history is for signed members only: the API then needs the key too.
        if (!config.guests) authorize(request);
        const before = request.query.before === undefined ? Number.MAX_SAFE_INTEGER : Number(request.query.before);
        const limit = request.query.limit === undefined ? undefined : Number(request.query.limit);
        return app.store.before(room(request), before, pageSize(limit));
      },
    );

    app.post<{
      Params: { room: string };
      Body: { text: string; author: { id: string; name: string; avatar?: string }; clientMsgId?: string };
    }>(
      '/api/rooms/:room/messages',
      {
        schema: {
          summary: 'Post a message into a room',
          description:
            'For bots and integrations: stores the message as a verified author and broadcasts it to the room like any other. ' +
            'Needs `Authorization: Bearer <ADMIN_API_KEY>`; without ADMIN_API_KEY set, the route answers 401.',
          tags: ['api'],
          security: [{ adminApiKey: [] }],
          params: roomParams,
          body: {
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
                  name: { type: 'string', description: '1–32 characters, no control characters.' },
                  avatar: { type: 'string', pattern: '^https://', maxLength: 2048 },
                },
                required: ['id', 'name'],
                additionalProperties: false,
              },
              clientMsgId: {
                type: 'string',
                pattern: '^[A-Za-z0-9_-]{8,64}$',
                description: 'Makes retries safe: the same id again answers 200 with the original, broadcast once.',
              },
            },
            required: ['text', 'author'],
            additionalProperties: false,
          },
          response: {
            201: { description: 'Stored and broadcast.', $ref: 'Message#' },
            200: { description: 'A repeated `clientMsgId`: the original message, not broadcast again.', $ref: 'Message#' },
            400: error('`invalid_payload`, `invalid_room`, `empty` or `too_long`.'),
            401: error('`unauthorized`: the key is missing or wrong, or ADMIN_API_KEY is not set.'),
            503: error('`unavailable`: the database failed; retry later.'),
            500: error('`internal`.'),
          },
        },
      },
      async (request, reply) => {
        authorize(request);
        const target = room(request);
        const { author, clientMsgId } = request.body;
        const name = cleanName(author.name);
        if (name === null) throw new ClientError('invalid_payload', 'author.name must be 1–32 characters, no control characters');
        const text = messageText(request.body.text, config.maxMessageLength);
        const { message, duplicate } = await app.store.append({
          room: target,
          text,
          author: { id: author.id, name, ...(author.avatar ? { avatar: author.avatar } : {}), verified: true },
          clientMsgId: clientMsgId ?? `api-${createHash('sha1').update(`${Date.now()}${Math.random()}`).digest('hex').slice(0, 24)}`,
          ts: Date.now(),
        });
        if (!duplicate) {
          app.relay.io.to(target).emit('message', message);
          app.metrics.messagesSent.inc();
        }
        return reply.code(duplicate ? 200 : 201).send(message);
      },
    );
  },
  { name: 'http-api', dependencies: ['config', 'store', 'metrics', 'socket'] },
);

class HttpError extends Error {
  constructor(
    readonly code: 'unauthorized',
    message: string,
  ) {
    super(message);
  }
}
