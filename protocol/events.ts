/**
 * The Socket.IO events of the contract: each client event's request (a
 * strict object, so unknown fields are refused) and answer, and the events
 * the relay sends.
 */
import { z } from 'zod';
import { CLIENT_ID_PATTERN, MAX_BAN_MINUTES, MAX_EMOJI_LENGTH, MAX_MEMBER_ID_LENGTH, MAX_MENTIONS, MAX_REASON_LENGTH } from './limits.js';
import { ban, chars, member, message, ownReaction, roomSettings, seqRef, settingsPatch, whole, type ErrorBody, type Message } from './shapes.js';

// Room names are checked after the shape (invalid_room rather than invalid_payload).
const room = z.string();
const limit = z.number().int().min(1);
/** At most MAX_REASON_LENGTH characters. */
const reason = chars(0, MAX_REASON_LENGTH);

/** The member's id (`guest:…` for a guest), as `ban`, `unban` and the admin routes take it. */
export const memberId = chars(1, MAX_MEMBER_ID_LENGTH).meta({ description: "The member's id (`guest:…` for a guest)." });

export const joinRequest = z.strictObject({
  room,
  since: whole.optional(),
  limit: limit.optional(),
  /** The highest `rev` the client has seen: the ack's `changed` then holds what changed after it. */
  sinceRev: whole.optional(),
  /**
   * v3: join to read even if banned: a banned member is answered as usual
   * plus `banned`, receives the room's messages, and every write is refused
   * `banned` (a member not banned joins as usual).
   */
  readOnly: z.boolean().optional(),
});

/** v3: a ban as the banned member is told it: until when (null: for good) and why. */
export const banNotice = z.object({ until: z.number().int().nullable(), reason: z.string().optional() });
export const joinResult = z.object({
  room: z.string(),
  messages: z.array(message),
  members: z.array(member),
  count: z.number().int(),
  self: member,
  lastSeq: z.number().int(),
  truncated: z.literal(true).optional(),
  /** The room's current revision. */
  rev: z.number().int(),
  /** With `sinceRev`: the older messages (below the returned ones) changed after it, by ascending rev. */
  changed: z.array(message).optional(),
  /**
   * An addition to PROTOCOL.md: more than CHANGED_MAX_LIMIT messages changed;
   * join again with `sinceRev` = the highest `rev` in `changed` for the rest.
   */
  changedTruncated: z.literal(true).optional(),
  /** The joiner's own reactions on the returned messages (`messages` and `changed`). */
  myReactions: z.array(ownReaction),
  /** v2: the room's settings (`blockedWords` only for its moderators). */
  settings: roomSettings,
  /** v2: the pinned message, when one is. */
  pinned: message.optional(),
  /** v3: a `readOnly` join of a banned member: the ban; the member reads, every write is refused `banned`. */
  banned: banNotice.optional(),
});

export const leaveRequest = z.strictObject({ room });

export const sendRequest = z.strictObject({
  room,
  text: z.string(),
  clientMsgId: z.string().regex(CLIENT_ID_PATTERN, 'must be 8–64 of A-Z a-z 0-9 _ -'),
  /** The seq of the message of the same room this one answers. */
  replyTo: seqRef.optional(),
  /** Member ids (at most MAX_MENTIONS); ids the relay does not know in the room are dropped. */
  mentions: z.array(memberId).max(MAX_MENTIONS).optional(),
});
export const sendResult = z.object({ message });

export const historyRequest = z.strictObject({ room, before: whole, limit: limit.optional() });
export const historyResult = z.object({
  messages: z.array(message),
  hasMore: z.boolean(),
  /** The member's own reactions on the returned messages. */
  myReactions: z.array(ownReaction),
});

export const typingRequest = z.strictObject({ room, typing: z.boolean() });
export const deleteRequest = z.strictObject({ room, seq: seqRef });

/** A ban as the admin route takes it (the room is in its path); the socket's `ban` adds the room. */
export const banBody = z.strictObject({
  memberId,
  // Up to a year; a longer ban is a matter for the host site's accounts.
  minutes: z.number().min(1).max(MAX_BAN_MINUTES).meta({ description: `1 to ${MAX_BAN_MINUTES} (a year).` }),
  reason: reason.optional().meta({ description: 'Shown to the banned member and in the ban list.' }),
});
export const banRequest = z.strictObject({ room, ...banBody.shape });

export const editRequest = z.strictObject({ room, seq: seqRef, text: z.string() });
export const editResult = z.object({ message });

// The emoji is checked against REACTIONS by the chat core; here only its size is bounded.
export const reactRequest = z.strictObject({
  room,
  seq: seqRef,
  emoji: z.string().min(1).max(MAX_EMOJI_LENGTH),
  /** true adds the member's reaction (once per emoji), false removes it. */
  on: z.boolean(),
});
export const reactResult = z.object({ message });

export const configureRequest = z.strictObject({ room, settings: settingsPatch });
export const configureResult = z.object({ settings: roomSettings });

export const unbanRequest = z.strictObject({ room, memberId });
export const bansRequest = z.strictObject({ room });
export const bansResult = z.object({ bans: z.array(ban) });
export const reportRequest = z.strictObject({ room, seq: seqRef, reason: reason.optional() });
/** v3: a moderator of the room resolves (dismisses) the report of a message. */
export const resolveRequest = z.strictObject({ room, seq: seqRef });

/** v3: how a report was resolved: dismissed by a moderator, or its message deleted, or its author banned. */
export const resolvedHow = z.enum(['dismissed', 'deleted', 'banned']);

export const presenceEvent = z.object({ room: z.string(), count: z.number().int(), joined: z.array(member), left: z.array(member) });
export const typingEvent = z.object({ room: z.string(), member, typing: z.boolean() });
export const deletedEvent = z.object({ room: z.string(), seq: z.number().int() });
/** v2: tells a member's sockets (and guests from their address) they were banned from a room, until when, and why. */
export const bannedEvent = z.object({ room: z.string(), until: z.number().int().nullable(), reason: z.string().optional() });
/** v2: a room's settings changed; `blockedWords` is always [] here. */
export const roomEvent = z.object({ room: z.string(), settings: roomSettings, pinned: message.optional() });
/** v2: a member reported a message; to the room's moderators who are online. */
export const reportEvent = z.object({
  room: z.string(),
  message,
  reporter: member,
  reason: z.string().optional(),
  /** How many members have reported the message. */
  count: z.number().int(),
});

/** v3: the ban that `banned` told of is over (lifted, or its time ran out) while the member was connected. */
export const unbannedEvent = z.object({ room: z.string() });
/** v3: a report was resolved, to the room's moderators, so every one of them drops it. */
export const reportResolvedEvent = z.object({ room: z.string(), seq: z.number().int(), by: member, how: resolvedHow });

export type JoinRequest = z.infer<typeof joinRequest>;
export type JoinResult = z.infer<typeof joinResult>;
export type LeaveRequest = z.infer<typeof leaveRequest>;
export type SendRequest = z.infer<typeof sendRequest>;
export type SendResult = z.infer<typeof sendResult>;
export type HistoryRequest = z.infer<typeof historyRequest>;
export type HistoryResult = z.infer<typeof historyResult>;
export type TypingRequest = z.infer<typeof typingRequest>;
export type DeleteRequest = z.infer<typeof deleteRequest>;
export type BanRequest = z.infer<typeof banRequest>;
export type BanBody = z.infer<typeof banBody>;
export type EditRequest = z.infer<typeof editRequest>;
export type EditResult = z.infer<typeof editResult>;
export type ReactRequest = z.infer<typeof reactRequest>;
export type ReactResult = z.infer<typeof reactResult>;
export type ConfigureRequest = z.infer<typeof configureRequest>;
export type ConfigureResult = z.infer<typeof configureResult>;
export type UnbanRequest = z.infer<typeof unbanRequest>;
export type BansRequest = z.infer<typeof bansRequest>;
export type BansResult = z.infer<typeof bansResult>;
export type ReportRequest = z.infer<typeof reportRequest>;
export type ResolveRequest = z.infer<typeof resolveRequest>;
export type ResolvedHow = z.infer<typeof resolvedHow>;
export type BanNotice = z.infer<typeof banNotice>;
export type UnbannedEvent = z.infer<typeof unbannedEvent>;
export type ReportResolvedEvent = z.infer<typeof reportResolvedEvent>;
export type PresenceEvent = z.infer<typeof presenceEvent>;
export type TypingEvent = z.infer<typeof typingEvent>;
export type DeletedEvent = z.infer<typeof deletedEvent>;
export type BannedEvent = z.infer<typeof bannedEvent>;
export type RoomEvent = z.infer<typeof roomEvent>;
export type ReportEvent = z.infer<typeof reportEvent>;

/** The `auth` option of the Socket.IO client (the handshake checks it by hand, before any event). */
export interface HandshakeAuth {
  name?: string;
  token?: string;
  clientId?: string;
}

export type Fail = { ok: false; error: ErrorBody };
export type Ack<T extends object = object> = ({ ok: true } & T) | Fail;
type Callback<T extends object = object> = (ack: Ack<T>) => void;

export interface ClientToServerEvents {
  join: (req: JoinRequest, ack: Callback<JoinResult>) => void;
  leave: (req: LeaveRequest, ack: Callback) => void;
  send: (req: SendRequest, ack: Callback<SendResult>) => void;
  history: (req: HistoryRequest, ack: Callback<HistoryResult>) => void;
  typing: (req: TypingRequest, ack: Callback) => void;
  delete: (req: DeleteRequest, ack: Callback) => void;
  ban: (req: BanRequest, ack: Callback) => void;
  edit: (req: EditRequest, ack: Callback<EditResult>) => void;
  react: (req: ReactRequest, ack: Callback<ReactResult>) => void;
  configure: (req: ConfigureRequest, ack: Callback<ConfigureResult>) => void;
  unban: (req: UnbanRequest, ack: Callback) => void;
  bans: (req: BansRequest, ack: Callback<BansResult>) => void;
  report: (req: ReportRequest, ack: Callback) => void;
  resolve: (req: ResolveRequest, ack: Callback) => void;
}

export interface ServerToClientEvents {
  message: (message: Message) => void;
  presence: (event: PresenceEvent) => void;
  typing: (event: TypingEvent) => void;
  deleted: (event: DeletedEvent) => void;
  banned: (event: BannedEvent) => void;
  /** A message after an edit, a deletion or a reaction, whole. */
  updated: (message: Message) => void;
  room: (event: RoomEvent) => void;
  report: (event: ReportEvent) => void;
  unbanned: (event: UnbannedEvent) => void;
  reportResolved: (event: ReportResolvedEvent) => void;
}
