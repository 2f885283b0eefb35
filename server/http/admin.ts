import type { FastifyInstance } from 'fastify';
import {
  AUDIT_DEFAULT_LIMIT,
  AUDIT_MAX_LIMIT,
  REPORTS_DEFAULT_LIMIT,
  REPORTS_MAX_LIMIT,
  ROOMS_DEFAULT_LIMIT,
  ROOMS_MAX_LIMIT,
  type BanBody,
  type ReportStatus,
  type SettingsPatch,
} from '../../protocol/index.js';
import { adminActor, adminGuard } from './auth.js';
import type { ConsoleSessions } from './console-session.js';
import {
  auditPageSchema,
  auditQuerySchema,
  banBodySchema,
  banListSchema,
  errorResponse,
  memberParamsSchema,
  overviewQuerySchema,
  reportPageSchema,
  reportParamsSchema,
  reportsQuerySchema,
  roomListSchema,
  roomParamsSchema,
  roomsQuerySchema,
  seqParamsSchema,
  settingsPatchSchema,
  shared,
} from './schemas.js';

const security: Record<string, string[]>[] = [{ adminApiKey: [] }, { consoleSession: [] }];
const AUTH =
  'Needs `Authorization: Bearer <ADMIN_API_KEY>` or the console\'s session cookie (then, for a change, an `Origin` of the relay itself).';

/** The errors every admin route may answer, and `more` of its own. */
function errors(more: Record<number, string> = {}) {
  return {
    400: errorResponse(more[400] ?? '`invalid_payload` (an unknown or malformed field or parameter) or `invalid_room`.'),
    401: errorResponse('`unauthorized`: the key is missing or wrong (and no console session), or ADMIN_API_KEY is not set.'),
    ...(more[403] ? { 403: errorResponse(more[403]) } : {}),
    ...(more[404] ? { 404: errorResponse(more[404]) } : {}),
    503: errorResponse('`unavailable`: the database failed; retry later.'),
    500: errorResponse('`internal`.'),
  };
}

const CSRF = '`forbidden`: a change made with the console cookie from another origin';

const limitOf = (raw: string | undefined, fallback: number, max: number) => Math.min(raw === undefined ? fallback : Number(raw), max);

/**
 * The admin HTTP API behind the console (PROTOCOL.md, "HTTP"): rooms, their
 * settings, messages, bans, reports and audit log. Each route goes through
 * the chat core as the socket events do, so the rules and the audit entries
 * are the same; the actor is "admin" (the key) or the console's user.
 */
export function adminRoutes(app: FastifyInstance, sessions: () => ConsoleSessions | undefined): void {
  const { config, chat } = app;
  const { moderation } = chat;
  const preValidation = [adminGuard(config.adminApiKey, app.wrongKeys, sessions)];
  const route = (summary: string, description: string) => ({ summary, description: `${description} ${AUTH}`, tags: ['admin'], security });

  app.get<{ Querystring: { limit?: string; q?: string } }>(
    '/api/rooms',
    {
      preValidation,
      schema: {
        ...route('List rooms', 'Rooms that have had a message, most recently active first, with who is online in each now.'),
        querystring: roomsQuerySchema,
        response: {
          200: { description: 'The rooms.', ...roomListSchema },
          ...errors({ 400: '`invalid_payload`: an unknown or malformed query parameter.' }),
        },
      },
    },
    async (request) => {
      const { limit, q } = request.query;
      return { rooms: await chat.rooms({ limit: limitOf(limit, ROOMS_DEFAULT_LIMIT, ROOMS_MAX_LIMIT), contains: q?.trim() || undefined }) };
    },
  );

  app.get(
    '/api/overview',
    {
      preValidation,
      schema: {
        ...route(
          'The last 24 hours at a glance',
          "For the console's overview: messages sent and members online each minute, the busiest rooms, the open reports.",
        ),
        querystring: overviewQuerySchema,
        response: {
          200: shared('Overview', 'A point a minute, oldest first.'),
          ...errors({ 400: '`invalid_payload`: a query parameter (the route takes none).' }),
        },
      },
    },
    async () => chat.overview(),
  );

  app.get<{ Params: { room: string } }>(
    '/api/rooms/:room/settings',
    {
      preValidation,
      schema: {
        ...route("Read a room's settings", 'Blocked words included.'),
        params: roomParamsSchema,
        response: { 200: shared('RoomSettings', 'The settings.'), ...errors() },
      },
    },
    async (request) => moderation.settings(request.params.room),
  );

  app.patch<{ Params: { room: string }; Body: SettingsPatch }>(
    '/api/rooms/:room/settings',
    {
      preValidation,
      schema: {
        ...route("Change a room's settings", 'As the socket `configure`: settings not named keep their value; the room is told with `room`; audited.'),
        params: roomParamsSchema,
        body: settingsPatchSchema,
        response: {
          200: shared('RoomSettings', 'The settings now.'),
          ...errors({ 403: CSRF, 404: '`not_found`: `pinnedSeq` names no message of the room.' }),
        },
      },
    },
    async (request) => moderation.configure(adminActor(request), request.params.room, request.body),
  );

  app.delete<{ Params: { room: string; seq: string } }>(
    '/api/rooms/:room/messages/:seq',
    {
      preValidation,
      schema: {
        ...route('Delete a message', 'Blanks it (it keeps its seq); the room is told with `deleted` and `updated`; audited. Deleting a deleted message is no error.'),
        params: seqParamsSchema,
        response: {
          204: { description: 'Deleted.', type: 'null' },
          ...errors({ 400: '`invalid_room`, or `invalid_payload` (`seq` is not a positive integer).', 403: CSRF, 404: '`not_found`: the room has no such message.' }),
        },
      },
    },
    async (request, reply) => {
      await chat.remove(adminActor(request), request.params.room, Number(request.params.seq));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { room: string } }>(
    '/api/rooms/:room/bans',
    {
      preValidation,
      schema: {
        ...route("List a room's bans", 'The bans in force, newest first.'),
        params: roomParamsSchema,
        response: {
          200: { description: 'The bans.', ...banListSchema },
          ...errors(),
        },
      },
    },
    async (request) => ({ bans: await moderation.bans(adminActor(request), request.params.room) }),
  );

  app.post<{ Params: { room: string }; Body: BanBody }>(
    '/api/rooms/:room/bans',
    {
      preValidation,
      schema: {
        ...route(
          'Ban a member from a room',
          'As the socket `ban`: the member is removed from the room and refused there for `minutes`, with the guests of their network address; audited.',
        ),
        params: roomParamsSchema,
        body: banBodySchema,
        response: {
          201: shared('Ban', 'The ban.'),
          ...errors({ 403: '`forbidden`: the member is a moderator (moderators cannot be banned), or a change with the console cookie from another origin.' }),
        },
      },
    },
    async (request, reply) => {
      const { memberId, minutes, reason } = request.body;
      const ban = await moderation.ban(adminActor(request), request.params.room, memberId, minutes, reason || undefined);
      return reply.code(201).send(ban);
    },
  );

  app.delete<{ Params: { room: string; memberId: string } }>(
    '/api/rooms/:room/bans/:memberId',
    {
      preValidation,
      schema: {
        ...route('Lift a ban', 'With the address bans that came with it; audited.'),
        params: memberParamsSchema,
        response: {
          204: { description: 'Lifted.', type: 'null' },
          ...errors({ 403: CSRF, 404: '`not_found`: the member is not banned from the room.' }),
        },
      },
    },
    async (request, reply) => {
      await moderation.unban(adminActor(request), request.params.room, request.params.memberId);
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: { room?: string; status?: ReportStatus; before?: string; limit?: string } }>(
    '/api/reports',
    {
      preValidation,
      schema: {
        ...route(
          'List reports',
          'One entry per reported message, newest first (by its first report), each with the message as it is now, its reporters and their reasons; paged with `before`, so no flood of newer reports hides an older one.',
        ),
        querystring: reportsQuerySchema,
        response: {
          200: { description: 'A page of reports, newest first; how many the filter holds in all; whether older ones remain.', ...reportPageSchema },
          ...errors({ 404: '`not_found`: `before` names no report.' }),
        },
      },
    },
    async (request) => {
      const { room, status, before, limit } = request.query;
      return moderation.reports(
        { ...(room ? { room } : {}), ...(status ? { status } : {}) },
        { ...(before !== undefined ? { before } : {}), limit: limitOf(limit, REPORTS_DEFAULT_LIMIT, REPORTS_MAX_LIMIT) },
      );
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/reports/:id/resolve',
    {
      preValidation,
      schema: {
        ...route(
          'Resolve a report',
          'Marks it resolved, as dismissed by the caller (a new report of the message opens it again); the room’s moderators are told (`reportResolved`); audited.',
        ),
        params: reportParamsSchema,
        response: {
          200: shared('Report', 'The report, resolved.'),
          ...errors({ 400: '`invalid_payload`: a malformed id.', 403: CSRF, 404: '`not_found`: no such report.' }),
        },
      },
    },
    async (request) => moderation.resolveReport(adminActor(request), request.params.id),
  );

  app.get<{ Params: { room: string }; Querystring: { before?: string; limit?: string; members?: '1' } }>(
    '/api/rooms/:room/audit',
    {
      preValidation,
      schema: {
        ...route("Read a room's audit log", 'Every moderator\'s and the admin\'s action, over Socket.IO and HTTP alike, newest first.'),
        params: roomParamsSchema,
        querystring: auditQuerySchema,
        response: {
          200: { description: 'A page of entries, newest first, and whether older ones remain.', ...auditPageSchema },
          ...errors(),
        },
      },
    },
    async (request) => {
      const { before, limit, members } = request.query;
      return moderation.auditLog(
        request.params.room,
        before === undefined ? undefined : Number(before),
        limitOf(limit, AUDIT_DEFAULT_LIMIT, AUDIT_MAX_LIMIT),
        members === '1',
      );
    },
  );
}
