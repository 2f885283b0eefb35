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
}
export interface JoinResult {
  room: string;
  messages: Message[];
  members: Member[];
  count: number;
  self: Member;
  lastSeq: number;
  truncated?: true;
}

export interface LeaveRequest {
  room: string;
}

export interface SendRequest {
  room: string;
  text: string;
  clientMsgId: string;
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
  minutes: number;
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

/** An addition to PROTOCOL.md: tells a member's sockets they were banned from a room, and until when. */
export interface BannedEvent {
  room: string;
  until: number;
}

export interface ServerToClientEvents {
  message: (message: Message) => void;
  presence: (event: PresenceEvent) => void;
  typing: (event: TypingEvent) => void;
  deleted: (event: DeletedEvent) => void;
  banned: (event: BannedEvent) => void;
}

export const ROOM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 200;
export const MAX_NAME_LENGTH = 32;
/** A typist's `typing: true` is relayed at most this often; clients repeat it this often while typing. */
export const TYPING_THROTTLE_MS = 2000;
/** MAX_MESSAGE_LENGTH's default, in characters (code points). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 2000;
