import type { Member, Message } from '../../protocol/index.js';

/** What the relay asks of storage. SQLite implements it now; PostgreSQL will too. */
export interface NewMessage {
  room: string;
  text: string;
  author: Member;
  clientMsgId: string;
  ts: number;
}

export interface AppendResult {
  message: Message;
  /** True when this clientMsgId was already stored for this author and room: nothing new was written. */
  duplicate: boolean;
}

export interface Store {
  /**
   * Stores a message with the room's next `seq`, atomically. A repeated
   * (room, author id, clientMsgId) returns the original message instead.
   */
  append(input: NewMessage): Promise<AppendResult>;
  /** The newest `limit` messages of a room, ascending by seq. */
  latest(room: string, limit: number): Promise<Message[]>;
  /** Messages with seq > `since`, ascending, at most `limit`; `truncated` when more exist. */
  after(room: string, since: number, limit: number): Promise<{ messages: Message[]; truncated: boolean }>;
  /** The newest `limit` messages with seq < `before`, ascending; `hasMore` when older ones exist. */
  before(room: string, before: number, limit: number): Promise<{ messages: Message[]; hasMore: boolean }>;
  /** The message a member sent in a room under a clientMsgId, if stored. */
  find(room: string, authorId: string, clientMsgId: string): Promise<Message | undefined>;
  /** One message, or undefined when the room has no such seq. */
  get(room: string, seq: number): Promise<Message | undefined>;
  /** Blanks a message (text "", deleted: true); it keeps its seq. False when there is no such message. */
  markDeleted(room: string, seq: number): Promise<boolean>;
  /** Refuses a member in a room until `until` (ms since epoch). */
  ban(room: string, memberId: string, until: number): Promise<void>;
  /** When the member's ban in the room ends, or 0 when they are not banned now. */
  bannedUntil(room: string, memberId: string, now: number): Promise<number>;
  /** The highest seq of a room, 0 when it has none. */
  lastSeq(room: string): Promise<number>;
  /** Resolves when storage answers; rejects otherwise (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Storage failed (down, locked, full): the client is told `unavailable` and
 * may retry, and nothing was half-written.
 */
export class StorageError extends Error {
  constructor(cause: unknown) {
    super(`storage failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StorageError';
  }
}
