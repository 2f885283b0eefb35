import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ROOM_PATTERN, type ErrorCode } from '../../protocol/index.js';
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
  properties: { room: { type: 'string' } },
  required: ['room'],
} as const;

/**
 * The HTTP API: read a room's messages; post into a room with
 * ADMIN_API_KEY (a bot, an integration), which members see live. Errors
 * answer `{ error: { code, message } }` with the socket events' codes.
 */
export default fp(
  async (app) => {
    const { config } = app;
    const key = config.adminApiKey ? digest(config.adminApiKey) : undefined;

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
          params: roomParams,
          querystring: {
            type: 'object',
            // Strings of digits: the app validates without coercion (see app.ts).
            properties: {
              before: { type: 'string', pattern: '^[0-9]{1,15}$' },
              limit: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' },
            },
            additionalProperties: false,
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
          params: roomParams,
          body: {
            type: 'object',
            properties: {
              text: { type: 'string' },
              author: {
                type: 'object',
                properties: {
                  id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^(?!guest:)' },
                  name: { type: 'string' },
                  avatar: { type: 'string', pattern: '^https://', maxLength: 2048 },
                },
                required: ['id', 'name'],
                additionalProperties: false,
              },
              clientMsgId: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' },
            },
            required: ['text', 'author'],
            additionalProperties: false,
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
