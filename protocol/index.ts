/**
 * The wire contract of ../shared/PROTOCOL.md, in one module imported by both
 * the widget and the relay. Types here cost the widget nothing; keep runtime
 * values few and small, since every byte ships to every visitor.
 */

export type Role = 'moderator';

export interface Member {
  id: string;
  name: string;
  avatar?: string;
  verified: boolean;
  role?: Role;
}

export interface Message {
  /** Unique across all rooms. */
  id: string;
  room: string;
  /** 1, 2, 3 … per room, assigned by the relay, no gaps, never reused. */
  seq: number;
  /** Stored and sent verbatim (after trim); never HTML. */
  text: string;
  author: Member;
  /** Milliseconds since epoch, relay clock. */
  ts: number;
  clientMsgId?: string;
  deleted?: true;
  /** The room's revision at this message's last change (sent, edited, deleted, reacted to). */
  rev: number;
  /** Set by `edit`: when the text last changed, ms since epoch. */
  editedAt?: number;
  /** The parent as it is now: its text cut to REPLY_PREVIEW_LENGTH characters, `""` once deleted. */
  replyTo?: ReplyPreview;
  /** The members the sender named (at most MAX_MENTIONS). */
  mentions?: Member[];
  /** Each emoji reacted with (count ≥ 1), in first-reacted order. */
  reactions?: ReactionCount[];
}

export interface ReplyPreview {
  seq: number;
  author: Member;
  text: string;
}

export interface ReactionCount {
  emoji: string;
  count: number;
}

/** One of the member's own reactions, as the join ack and `history` list them. */
export interface OwnReaction {
  seq: number;
  emoji: string;
}

/** The `auth` option of the Socket.IO client. */
export interface HandshakeAuth {
  name?: string;
  token?: string;
  clientId?: string;
}

export type ErrorCode =
  | 'invalid_payload'
  | 'invalid_room'
  | 'not_joined'
  | 'empty'
  | 'too_long'
  | 'rate_limited'
  | 'forbidden'
  | 'banned'
  | 'not_found'
  | 'unavailable'
  | 'internal'
  // v2
  | 'slow_mode'
  | 'members_only'
  | 'paused'
  | 'blocked';

/** Codes a refused handshake carries as `connect_error`'s `err.message`. */
export type HandshakeErrorCode =
  | 'unauthorized'
  | 'origin_not_allowed'
  | 'invalid_name'
  | 'too_many_connections'
  | 'banned';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  retryAfterMs?: number;
}

export type Fail = { ok: false; error: ErrorBody };
export type Ack<T extends object = object> = ({ ok: true } & T) | Fail;

export interface JoinRequest {
  room: string;
  since?: number;
  limit?: number;
  /** The highest `rev` the client has seen: the ack's `changed` then holds what changed after it. */
  sinceRev?: number;
}
export interface JoinResult {
  room: string;
  messages: Message[];
  members: Member[];
  count: number;
  self: Member;
  lastSeq: number;
  truncated?: true;
  /** The room's current revision. */
  rev: number;
  /** With `sinceRev`: the older messages (below the returned ones) changed after it, by ascending rev. */
  changed?: Message[];
  /**
   * An addition to PROTOCOL.md: more than CHANGED_MAX_LIMIT messages changed;
   * join again with `sinceRev` = the highest `rev` in `changed` for the rest.
   */
  changedTruncated?: true;
  /** The joiner's own reactions on the returned messages (`messages` and `changed`). */
  myReactions: OwnReaction[];
  /** v2: the room's settings (`blockedWords` only for its moderators). */
  settings: RoomSettings;
  /** v2: the pinned message, when one is. */
  pinned?: Message;
}

export interface LeaveRequest {
  room: string;
}

export interface SendRequest {
  room: string;
  text: string;
  clientMsgId: string;
  /** The seq of the message of the same room this one answers. */
  replyTo?: number;
  /** Member ids (at most MAX_MENTIONS); ids the relay does not know in the room are dropped. */
  mentions?: string[];
}
export interface SendResult {
  message: Message;
}

export interface HistoryRequest {
  room: string;
  before: number;
  limit?: number;
}
export interface HistoryResult {
  messages: Message[];
  hasMore: boolean;
  /** The member's own reactions on the returned messages. */
  myReactions: OwnReaction[];
}

export interface TypingRequest {
  room: string;
  typing: boolean;
}
export interface DeleteRequest {
  room: string;
  seq: number;
}
export interface BanRequest {
  room: string;
  memberId: string;
  /** 1 to MAX_BAN_MINUTES. */
  minutes: number;
  /** At most MAX_REASON_LENGTH characters. */
  reason?: string;
}

/** v2: a room's settings; moderators change them with `configure`. */
export interface RoomSettings {
  /** At most MAX_TOPIC_LENGTH characters, "" by default. */
  topic: string;
  /** 0 (off) to MAX_SLOW_MODE_SECONDS: how long a member (and a guest's network) waits between two writes (send, edit, react, report). */
  slowModeSeconds: number;
  /** Only verified members may send, edit and react; guests still read (and report). */
  membersOnly: boolean;
  /** Only moderators may send, edit and react (anyone may still report). */
  paused: boolean;
  /** A message of the room shown pinned, or null. */
  pinnedSeq: number | null;
  /** At most MAX_BLOCKED_WORDS entries of 1–MAX_BLOCKED_WORD_LENGTH characters; [] for non-moderators. */
  blockedWords: string[];
}

export interface ConfigureRequest {
  room: string;
  settings: Partial<RoomSettings>;
}
export interface ConfigureResult {
  settings: RoomSettings;
}

/** v2: a member's ban from a room. */
export interface Ban {
  member: Member;
  /** When it ends (ms since epoch); null for a ban without end. */
  until: number | null;
  reason?: string;
  by: Member;
  /** When it was made. */
  ts: number;
}

export interface UnbanRequest {
  room: string;
  memberId: string;
}
export interface BansRequest {
  room: string;
}
export interface BansResult {
  bans: Ban[];
}

export interface ReportRequest {
  room: string;
  seq: number;
  /** At most MAX_REASON_LENGTH characters. */
  reason?: string;
}
export interface EditRequest {
  room: string;
  seq: number;
  text: string;
}
export interface EditResult {
  message: Message;
}
export interface ReactRequest {
  room: string;
  seq: number;
  emoji: string;
  /** true adds the member's reaction (once per emoji), false removes it. */
  on: boolean;
}
export interface ReactResult {
  message: Message;
}

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
}

export interface PresenceEvent {
  room: string;
  count: number;
  joined: Member[];
  left: Member[];
}
export interface TypingEvent {
  room: string;
  member: Member;
  typing: boolean;
}
export interface DeletedEvent {
  room: string;
  seq: number;
}

/** v2: tells a member's sockets (and guests from their address) they were banned from a room, until when, and why. */
export interface BannedEvent {
  room: string;
  until: number | null;
  reason?: string;
}

/** v2: a room's settings changed; `blockedWords` is always [] here. */
export interface RoomEvent {
  room: string;
  settings: RoomSettings;
  pinned?: Message;
}

/** v2: a member reported a message; to the room's moderators who are online. */
export interface ReportEvent {
  room: string;
  message: Message;
  reporter: Member;
  reason?: string;
  /** How many members have reported the message. */
  count: number;
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
}

export const ROOM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 200;
export const MAX_NAME_LENGTH = 32;
/**
 * v3: what only the relay's badges may show, so never a guest's name: check
 * marks, stars, shields, crowns and trademark signs (U+2122, U+00AE,
 * U+2605–2606, U+2611, U+2705, U+2713–2714, U+2B50, U+1F451, U+1F6E1; also
 * the light check mark U+1F5F8, the glowing star U+1F31F and the service
 * mark U+2120). A variation sequence holds its base, so it is refused too.
 */
/** v3: a guest may not take a name that looks like that of a verified member who joined a room in this many days. */
export const VERIFIED_NAME_DAYS = 30;
export const BADGE_SYMBOLS = /[\u2120\u2122\u00AE\u2605\u2606\u2611\u2705\u2713\u2714\u2B50\u{1F451}\u{1F6E1}\u{1F5F8}\u{1F31F}]/u;
/** A typist's `typing: true` is relayed at most this often; clients repeat it this often while typing. */
export const TYPING_THROTTLE_MS = 2000;
/** MAX_MESSAGE_LENGTH's default, in characters (code points). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 2000;
/** A send names at most this many members. */
export const MAX_MENTIONS = 10;
/** A reply carries at most this many characters (code points) of its parent's text. */
export const REPLY_PREVIEW_LENGTH = 140;
/** A join's `changed` holds at most this many messages (then `changedTruncated`). */
export const CHANGED_MAX_LIMIT = 500;
/** EDIT_WINDOW_MINUTES's default. */
export const DEFAULT_EDIT_WINDOW_MINUTES = 15;
/** REACTIONS's default: the emoji members may react with. */
export const DEFAULT_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉'] as const;

/** v2: the limits of room settings, bans and reports (characters are code points). */
export const MAX_TOPIC_LENGTH = 200;
export const MAX_SLOW_MODE_SECONDS = 3600;
export const MAX_BLOCKED_WORDS = 500;
export const MAX_BLOCKED_WORD_LENGTH = 64;
export const MAX_BAN_MINUTES = 525_600;
export const MAX_REASON_LENGTH = 200;

/**
 * v3: GET /api/reports answers a page of this many reports by default, and
 * at most (more is read as the most); `before` and `total` page through the rest.
 */
export const REPORTS_DEFAULT_LIMIT = 100;
export const REPORTS_MAX_LIMIT = 500;
/**
 * v3: how many reports a member may make per window (whatever RATE_LIMIT
 * allows them to send), and the guests of one network address together.
 * An honest viewer reports a few messages in an evening, a raid's worth in
 * a minute or two: 20 covers that, while a flood (12 tabs reported 520
 * messages in half a second) becomes 20 reports, or 40 from one network
 * however many guest ids it churns. The network's allowance is twice a
 * member's, for the two or three honest guests a household or office
 * puts behind one address. RATE_LIMIT=off turns these off too.
 */
export const REPORTS_PER_MEMBER = { points: 20, windowMs: 10 * 60_000 } as const;
export const REPORTS_PER_GUEST_ADDRESS = { points: 40, windowMs: 10 * 60_000 } as const;
