/**
 * The HTTP side of the contract (PROTOCOL.md, "HTTP"): what the admin API
 * and the console exchange (rooms, reports, the audit log, pages), and the
 * routes' parameters. Queries and path parameters are strings: the relay
 * validates without type coercion, so numbers are given as digit patterns.
 */
import { z } from 'zod';
import {
  AUDIT_DEFAULT_LIMIT,
  AUDIT_MAX_LIMIT,
  CLIENT_ID_PATTERN,
  HISTORY_DEFAULT_LIMIT,
  HISTORY_MAX_LIMIT,
  MAX_API_AUTHOR_ID_LENGTH,
  MAX_AVATAR_URL_LENGTH,
  MAX_NAME_LENGTH,
  MAX_REPORT_ID_LENGTH,
  MAX_ROOM_SEARCH_LENGTH,
  REPORTS_DEFAULT_LIMIT,
  REPORTS_MAX_LIMIT,
  ROOM_PATTERN,
  ROOMS_DEFAULT_LIMIT,
  ROOMS_MAX_LIMIT,
  OVERVIEW_BUSIEST,
  OVERVIEW_MINUTES,
} from './limits.js';
import { memberId, resolvedHow } from './events.js';
import { ban, errorCode, member, message, nameShape } from './shapes.js';

/** A room as GET /api/rooms lists it. */
export const roomSummary = nameShape(
  z.object({
    room: z.string(),
    online: z.number().int().meta({ description: 'Members online in it now, on every relay.' }),
    messages: z.number().int().meta({ description: 'Messages stored and not deleted.' }),
    lastSeq: z.number().int(),
    lastMessageAt: z.number().int().nullable().meta({ description: 'When its latest message was sent, ms since the epoch.' }),
  }),
  'RoomSummary',
);

export const reportStatus = z.enum(['open', 'resolved']);

export const report = nameShape(
  z
    .object({
      id: z.string(),
      room: z.string(),
      message,
      reporters: z.array(member),
      reasons: z.array(z.string()),
      count: z.number().int().min(1),
      status: reportStatus,
      ts: z.number().int().meta({ description: 'When it was first reported.' }),
      resolved: z
        .object({ by: member, how: resolvedHow, ts: z.number().int() })
        .optional()
        .meta({ description: 'v3: who resolved it, how (`dismissed`, its message `deleted`, its author `banned`) and when; while `resolved`.' }),
    })
    .meta({ description: 'Every report of one message: who reported it and why.' }),
  'Report',
);

export const auditAction = z.enum(['delete', 'ban', 'unban', 'configure', 'resolve_report']);

export const auditEntry = nameShape(
  z
    .object({
      id: z.number().int(),
      ts: z.number().int(),
      actor: member,
      action: auditAction,
      memberId: z.string().optional(),
      member: member.optional().meta({
        description:
          'Whom the action was about, as the room last saw them: the member banned or let back, the author of the message deleted, pinned or reported. Only with `members=1`; looked up when the log is read.',
      }),
      seq: z.number().int().optional().meta({ description: 'The message deleted, reported, or pinned (a `configure` that pinned one).' }),
      detail: z.string().optional(),
    })
    .meta({ description: "A moderator's or the admin's action, over Socket.IO or HTTP alike." }),
  'AuditEntry',
);

export const messagePage = nameShape(
  z
    .object({ messages: z.array(message), hasMore: z.boolean() })
    .meta({ description: 'Messages oldest first, and whether older ones remain (as the socket `history` answers).' }),
  'MessagePage',
);

/** Every code an HTTP error can carry: the socket events' codes, and `unauthorized` of the handshake. */
export const httpErrorCode = z.enum([...errorCode.options, 'unauthorized']);

export const httpError = nameShape(
  z
    .object({
      error: z.object({
        code: httpErrorCode,
        message: z.string().meta({ description: 'For people; match on `code`.' }),
        retryAfterMs: z.number().int().optional().meta({ description: 'With `rate_limited`: how long to wait before trying again.' }),
      }),
    })
    .meta({ description: 'Every HTTP error, with the codes of the socket events.' }),
  'Error',
);

export const roomList = z.object({ rooms: z.array(roomSummary) });

/** GET /api/overview: the relay at a glance, for the console's overview. */
export const overview = nameShape(
  z
    .object({
      from: z.number().int().meta({ description: 'When the first minute began, ms since the epoch; the last is the minute under way.' }),
      messages: z
        .array(z.number().int())
        .meta({ description: `Messages sent in each of the ${OVERVIEW_MINUTES} minutes, oldest first (deleted ones included; removed ones not).` }),
      online: z.array(z.number().int().nullable()).meta({
        description: `Members online at the start of each of the ${OVERVIEW_MINUTES} minutes, on every relay; null where no relay sampled (none was running).`,
      }),
      rooms: z
        .array(z.object({ room: z.string(), messages: z.number().int(), online: z.number().int() }))
        .meta({ description: `The ${OVERVIEW_BUSIEST} rooms with the most messages in those 24 hours, most first, with who is online in each now.` }),
      openReports: z.number().int().min(0).meta({ description: 'Reports open now, in every room.' }),
    })
    .meta({ description: "The relay's last 24 hours, a point a minute, for the console's overview." }),
  'Overview',
);
export const banList = z.object({ bans: z.array(ban) });
export const reportPage = z.object({
  reports: z.array(report),
  total: z.number().int().min(0).meta({ description: 'How many reports match `room` and `status`, on every page.' }),
  hasMore: z.boolean().meta({ description: 'Older reports remain: ask again with `before` = the last `id` of this page.' }),
});
export const auditPage = z.object({ entries: z.array(auditEntry), hasMore: z.boolean() });

// ---- the routes' parameters

const digits = z.string().regex(/^[0-9]{1,15}$/);
const count = z.string().regex(/^[1-9][0-9]{0,5}$/);
const reportId = z.string().min(1).max(MAX_REPORT_ID_LENGTH);

/** The room in a route's path; a name that breaks the pattern answers `invalid_room`. */
export const room = z.string().regex(ROOM_PATTERN).meta({ description: 'The room, as on the socket (`join { room }`).' });

export const roomParams = z.object({ room });
export const seqParams = z.object({ room, seq: z.string().regex(/^[1-9][0-9]{0,15}$/).meta({ description: "The message's `seq`." }) });
export const memberParams = z.object({ room, memberId });
export const reportParams = z.object({ id: reportId.meta({ description: "The report's id." }) });

export const pageQuery = z.strictObject({
  before: digits.optional().meta({ description: 'Only messages with a `seq` below this one; omit for the newest.' }),
  limit: count
    .optional()
    .meta({ description: `How many messages (default ${HISTORY_DEFAULT_LIMIT}, at most ${HISTORY_MAX_LIMIT}; more is read as ${HISTORY_MAX_LIMIT}).` }),
});

export const postBody = z.strictObject({
  text: z.string().meta({ description: 'Plain text; trimmed, then 1 to MAX_MESSAGE_LENGTH characters.' }),
  author: z.strictObject({
    id: z
      .string()
      .min(1)
      .max(MAX_API_AUTHOR_ID_LENGTH)
      .regex(/^(?!guest:)/)
      .meta({ description: 'The author id; never starts with `guest:`.' }),
    name: z.string().meta({ description: `1–${MAX_NAME_LENGTH} characters, no control characters.` }),
    avatar: z.string().regex(/^https:\/\//).max(MAX_AVATAR_URL_LENGTH).optional(),
  }),
  clientMsgId: z
    .string()
    .regex(CLIENT_ID_PATTERN)
    .optional()
    .meta({ description: 'Makes retries safe: the same id again answers 200 with the original, broadcast once.' }),
  replyTo: z
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .meta({ description: 'The `seq` of the message of this room the new one answers (`not_found` when there is none).' }),
});

export const roomsQuery = z.strictObject({
  limit: count.optional().meta({ description: `How many rooms (default ${ROOMS_DEFAULT_LIMIT}, at most ${ROOMS_MAX_LIMIT}; more is read as ${ROOMS_MAX_LIMIT}).` }),
  q: z.string().max(MAX_ROOM_SEARCH_LENGTH).optional().meta({ description: 'Only rooms whose name contains this, case aside.' }),
});

export const reportsQuery = z.strictObject({
  room: room.optional().meta({ description: 'Only this room’s reports.' }),
  status: reportStatus.optional().meta({ description: 'Only open, or only resolved, reports.' }),
  before: reportId.optional().meta({
    description: 'Only reports older than the report with this `id` (the last of the page before; whatever its status); omit for the newest.',
  }),
  limit: count
    .optional()
    .meta({ description: `How many reports (default ${REPORTS_DEFAULT_LIMIT}, at most ${REPORTS_MAX_LIMIT}; more is read as ${REPORTS_MAX_LIMIT}).` }),
});

export const overviewQuery = z.strictObject({});

export const auditQuery = z.strictObject({
  before: digits.optional().meta({ description: 'Only entries older than the entry with this `id`; omit for the newest.' }),
  limit: count.optional().meta({ description: `How many entries (default ${AUDIT_DEFAULT_LIMIT}, at most ${AUDIT_MAX_LIMIT}; more is read as ${AUDIT_MAX_LIMIT}).` }),
  members: z.enum(['1']).optional().meta({
    description: '`1`: each entry names whom it was about (`member`). An addition, asked for, so v2 entries keep their v2 fields.',
  }),
});

export type RoomSummary = z.infer<typeof roomSummary>;
export type ReportStatus = z.infer<typeof reportStatus>;
export type Report = z.infer<typeof report>;
export type AuditAction = z.infer<typeof auditAction>;
export type AuditEntry = z.infer<typeof auditEntry>;
export type MessagePage = z.infer<typeof messagePage>;
export type HttpErrorCode = z.infer<typeof httpErrorCode>;
export type RoomList = z.infer<typeof roomList>;
export type ReportPage = z.infer<typeof reportPage>;
export type AuditPage = z.infer<typeof auditPage>;
export type Overview = z.infer<typeof overview>;
export type PostBody = z.infer<typeof postBody>;
