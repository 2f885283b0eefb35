import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { MAX_NAME_LENGTH, type PostBody } from '../../protocol/index.js';
import { ClientError } from '../chat/errors.js';
import { cleanName } from '../chat/identity.js';
import { adminGuard } from './auth.js';
import type { ConsoleSessions } from './console-session.js';
import { errorResponse, pageQuerySchema, postBodySchema, roomParamsSchema, shared } from './schemas.js';

interface RoomRoute {
  Params: { room: string };
}

/**
 * GET and POST /api/rooms/:room/messages: read a room's messages; post into
 * it with ADMIN_API_KEY (a bot, an integration), which members see live.
 * Both go through the chat core, as the socket events do.
 */
export function messageRoutes(app: FastifyInstance, sessions?: () => ConsoleSessions | undefined): void {
  const { config, chat } = app;
  const admin = adminGuard(config.adminApiKey, app.wrongKeys, sessions);

  app.get<RoomRoute & { Querystring: { before?: string; limit?: string } }>(
    '/api/rooms/:room/messages',
    {
      // With guests off, history is for signed members only: the API then needs the key too.
      preValidation: config.guests ? [] : [admin],
      schema: {
        summary: "Read a room's messages",
        description:
          'Pages back through a room like the socket `history` event: without `before`, the newest messages. ' +
          'Open to anyone while GUESTS=on; with GUESTS=off it needs `Authorization: Bearer <ADMIN_API_KEY>`.',
        tags: ['api'],
        security: [{}, { adminApiKey: [] }],
        params: roomParamsSchema,
        querystring: pageQuerySchema,
        response: {
          200: shared('MessagePage', 'The page of messages.'),
          400: errorResponse('`invalid_room` or `invalid_payload` (an unknown or malformed query parameter).'),
          401: errorResponse('`unauthorized`: GUESTS=off and the key is missing or wrong.'),
          503: errorResponse('`unavailable`: the database failed; retry later.'),
          500: errorResponse('`internal`.'),
        },
      },
    },
    async (request) => {
      const { before, limit } = request.query;
      return chat.page(
        request.params.room,
        before === undefined ? Number.MAX_SAFE_INTEGER : Number(before),
        limit === undefined ? undefined : Number(limit),
      );
    },
  );

  app.post<RoomRoute & { Body: PostBody }>(
    '/api/rooms/:room/messages',
    {
      preValidation: [admin],
      schema: {
        summary: 'Post a message into a room',
        description:
          'For bots and integrations: stores the message as a verified author and broadcasts it to the room like any other. ' +
          'Needs `Authorization: Bearer <ADMIN_API_KEY>`; without ADMIN_API_KEY set, the route answers 401.',
        tags: ['api'],
        security: [{ adminApiKey: [] }],
        params: roomParamsSchema,
        body: postBodySchema,
        response: {
          201: shared('Message', 'Stored and broadcast.'),
          200: shared('Message', 'A repeated `clientMsgId`: the original message, not broadcast again.'),
          400: errorResponse('`invalid_payload`, `invalid_room`, `empty` or `too_long`.'),
          401: errorResponse('`unauthorized`: the key is missing or wrong, or ADMIN_API_KEY is not set.'),
          404: errorResponse('`not_found`: `replyTo` names no message of the room.'),
          503: errorResponse('`unavailable`: the database failed; retry later.'),
          500: errorResponse('`internal`.'),
        },
      },
    },
    async (request, reply) => {
      const { author, text, clientMsgId, replyTo } = request.body;
      const name = cleanName(author.name);
      if (name === null) throw new ClientError('invalid_payload', `author.name must be 1–${MAX_NAME_LENGTH} characters, no control characters`);
      const { message, duplicate } = await chat.post(
        { id: author.id, name, ...(author.avatar ? { avatar: author.avatar } : {}), verified: true },
        { room: request.params.room, text, clientMsgId: clientMsgId ?? `api-${randomUUID()}`, ...(replyTo !== undefined ? { replyTo } : {}) },
        { limited: false },
      );
      return reply.code(duplicate ? 200 : 201).send(message);
    },
  );
}
