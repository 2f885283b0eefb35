import type { AuditAction, Ban, BanNotice, Member, Message, OwnReaction, ReportStatus, ResolvedHow, RoomSettings } from '../../protocol/index.js';

export type { AuditAction, ReportStatus, ResolvedHow };

/** What the relay asks of storage: SQLite and PostgreSQL implement it. */
export interface NewMessage {
  room: string;
  text: string;
  author: Member;
  clientMsgId: string;
  ts: number;
  /** The seq of the parent, a message of the same room (the chat core checked it exists). */
  replyTo?: number;
  /** The members named, already resolved. */
  mentions?: Member[];
}

export interface AppendResult {
  message: Message;
  /** True when this clientMsgId was already stored for this author and room: nothing new was written. */
  duplicate: boolean;
}

export interface ReactionResult {
  message: Message;
  /** False when the member's reaction already was as asked: nothing was written, the rev is unchanged. */
  changed: boolean;
}

/** One webhook event as queued (server/chat/webhooks.ts builds them). */
export interface QueuedWebhook {
  /** The `webhook-id` header, the same on every attempt: receivers dedupe by it. */
  webhookId: string;
  /** A room's events are delivered one at a time, in the order they were queued. */
  room: string;
  type: string;
  /** The JSON body, sent byte for byte on every attempt. */
  body: string;
  /** When it happened (ms since epoch). */
  ts: number;
}

/** An event handed to one relay to deliver: its room is claimed by that relay until the lease ends. */
export interface ClaimedWebhook extends QueuedWebhook {
  id: number;
  /** Failed attempts so far. */
  attempts: number;
}

/** How an attempt ended: `retryAt` undefined when the event is done with (delivered, or dropped). */
export interface WebhookOutcome {
  id: number;
  room: string;
  retryAt?: number;
}

/**
 * Turns a message just changed into the webhook event told about it, which
 * the store writes in the change's own transaction: the change and its event
 * are stored together or not at all, and a room's events are queued in the
 * order of its changes whichever relay made them.
 */
export type Outbox = (message: Message) => QueuedWebhook;

export interface Store {
  /**
   * Stores a message with the room's next `seq`, atomically. A repeated
   * (room, author id, clientMsgId) returns the original message instead
   * (and queues nothing). With an outbox, the new message's event is queued
   * in the same transaction.
   */
  append(input: NewMessage, outbox?: Outbox): Promise<AppendResult>;
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
  /**
   * Blanks a message (text "", deleted: true, its mentions and reactions
   * gone) with the room's next rev; it keeps its seq. The blanked message, or
   * undefined when there is no such message or it was deleted already.
   */
  markDeleted(room: string, seq: number, outbox?: Outbox): Promise<Message | undefined>;
  /**
   * Replaces the text of a message that is not deleted, sets its editedAt,
   * with the room's next rev. Undefined when there is no such message or it is deleted.
   */
  edit(room: string, seq: number, text: string, editedAt: number, outbox?: Outbox): Promise<Message | undefined>;
  /**
   * Adds (`on`) or removes a member's reaction to a message that is not
   * deleted, once per member and emoji, whichever relay asks: a change takes
   * the room's next rev. Undefined when there is no such message or it is deleted.
   */
  react(room: string, seq: number, memberId: string, emoji: string, on: boolean, outbox?: Outbox): Promise<ReactionResult | undefined>;
  /**
   * Messages with seq < `belowSeq` whose rev > `sinceRev`, ascending by rev,
   * at most `limit`; `truncated` when more exist.
   */
  changed(room: string, sinceRev: number, belowSeq: number, limit: number): Promise<{ messages: Message[]; truncated: boolean }>;
  /** A member's own reactions on the given messages of a room, by seq, then in the order they were made. */
  reactionsBy(room: string, memberId: string, seqs: number[]): Promise<OwnReaction[]>;
  /** Of the given ids, the members who have written in the room, each as on their latest message. */
  authors(room: string, ids: string[]): Promise<Member[]>;
  /**
   * Rooms that have had a message, most recently active first (then by
   * name), at most `limit`; with `contains`, only those whose name contains
   * it, case aside. From the rooms' own rows and an index, never a scan of messages.
   */
  rooms(query: { limit: number; contains?: string }): Promise<RoomSummary[]>;
  /** The room's revision (it grows with every change to one of its messages), 0 when it has none. */
  revision(room: string): Promise<number>;
  /**
   * Refuses a member in a room until `ban.until`, and guests from
   * `addresses` (address keys, see chat/address.ts) as long. A new ban of
   * the same member replaces the old one.
   */
  ban(room: string, ban: Ban & { until: number }, addresses: string[]): Promise<void>;
  /** Lifts a member's ban in a room and the address bans that came with it; false when there was none in force. */
  unban(room: string, memberId: string, now: number): Promise<boolean>;
  /** The bans in force in a room, newest first. */
  bans(room: string, now: number): Promise<Ban[]>;
  /**
   * The ban in force on a member in a room, with its reason: their own, or
   * else, when `address` is given (a guest's), the latest-ending ban of that
   * address, with the reason of the member's ban that brought it. Undefined
   * when none is.
   */
  banOf(room: string, memberId: string, address: string | undefined, now: number): Promise<(BanNotice & { until: number }) | undefined>;
  /** Remembers who joined a room, from which address (key), so a member can be banned by id after leaving. */
  seen(room: string, member: Member, address: string | undefined, ts: number): Promise<void>;
  /** The member as last seen in a room, and their address key. */
  lastSeen(room: string, memberId: string): Promise<{ member: Member; address?: string } | undefined>;
  /**
   * Remembers that a verified member whose name has these keys (chat/names.ts)
   * joined a room at `ts` (v3 "Names a guest cannot fake"); kept per site,
   * `default` until sites exist.
   */
  rememberVerifiedName(keys: string[], ts: number): Promise<void>;
  /** Whether a verified member whose name has one of these keys joined a room at or after `since`. */
  verifiedNameSince(keys: string[], since: number): Promise<boolean>;
  /** A room's stored settings, with a version that grows with every save; undefined when never set. */
  settings(room: string): Promise<{ settings: RoomSettings; version: number } | undefined>;
  /** Stores a room's settings whole. */
  saveSettings(room: string, settings: RoomSettings): Promise<void>;
  /**
   * Adds a member's report of a message; `added` is false when they had
   * reported it already (then nothing changes). A report on a resolved
   * message opens it again.
   */
  report(input: { room: string; seq: number; reporter: Member; reason?: string; ts: number }): Promise<{ report: StoredReport; added: boolean }>;
  /**
   * A page of reports of one room or all, of one status or both, newest
   * first (by first report, then id, so reports made in the same
   * millisecond keep one order), older than the report `before` when given
   * (whatever its own status); `total` counts every report of the filter.
   * Undefined when `before` names no report.
   */
  reports(filter: ReportFilter, page: { before?: string; limit: number }): Promise<ReportPage | undefined>;
  /**
   * Resolves the reports `where` names, recording who resolved them, how
   * and when: by id, or a room's message (each names one report, or none),
   * or the open reports of a room's messages by one author. Answers each
   * report named, as it is now, with `changed` when it was open until now
   * (so one resolution is told once, whichever relay or moderator came first).
   */
  resolveReports(where: ReportTarget, resolution: Resolution): Promise<{ report: StoredReport; changed: boolean }[]>;
  /** Appends an audit entry; returns it with its id. */
  audit(entry: NewAuditEntry): Promise<AuditEntry>;
  /** A room's audit entries, newest first, with id < `before` when given; `hasMore` when older ones exist. */
  auditLog(room: string, before: number | undefined, limit: number): Promise<{ entries: AuditEntry[]; hasMore: boolean }>;
  /**
   * Removes up to `limit` of the oldest messages sent before `before` (ms
   * since epoch), with their reactions, for RETENTION_DAYS; returns how many.
   * Seqs are never given again (the room keeps its last one).
   */
  removeOlderThan(before: number, limit: number): Promise<number>;
  /** The highest seq a room has given, 0 when none (never reused, even if messages are removed). */
  lastSeq(room: string): Promise<number>;

  // The webhook queue (PROTOCOL.md "v2 Webhooks"). Each room with events
  // waiting has a row saying when its first event may be tried and which
  // relay holds it (until its lease ends); a room's next event is tried only
  // once the one before it is done with, so each room's order holds, and
  // each event is delivered by one relay at a time.

  /** Queues events about changes already stored (bans, reports), in order. */
  enqueueWebhooks(events: QueuedWebhook[]): Promise<void>;
  /**
   * Claims for `relay`, until `now + leaseMs`, up to `limit` rooms whose
   * first event is due and that no live claim holds, and answers up to
   * `perRoom` of each one's first events (rooms earliest due first, each
   * room's events in order, together).
   */
  claimWebhooks(relay: string, now: number, leaseMs: number, limit: number, perRoom?: number): Promise<ClaimedWebhook[]>;
  /**
   * Records how attempts ended, in one transaction: an event done with is
   * removed, a failed one counts an attempt. The relay's claim on each room
   * ends, its next event due when the room's last outcome says: its
   * `retryAt`, or at once (see settlement()).
   */
  settleWebhooks(relay: string, outcomes: WebhookOutcome[], now: number): Promise<void>;
  /**
   * A queued event's body as it is now, read right before each attempt: a
   * deletion since the claim may have taken a text out of it. Undefined once
   * it is no longer queued.
   */
  webhookBody(id: number): Promise<string | undefined>;
  /**
   * At start: every room waiting for a retry (and held by no live claim) is
   * due now, so a restarted relay resumes its queue at once. SQLite, which
   * one relay alone writes, also lets go of the claims of a previous run.
   */
  resumeWebhooks(now: number): Promise<void>;
  /** How many events wait, and when the oldest of them happened (null when none). */
  webhookQueue(): Promise<{ depth: number; oldestTs: number | null }>;

  // The console's overview (GET /api/overview): activity over time.

  /** How many messages were sent in each minute from `from` (a minute's start) to before `to`, deleted ones included; minutes with none left out. */
  messagesPerMinute(from: number, to: number): Promise<{ minute: number; count: number }[]>;
  /** The `limit` rooms with the most messages sent since `since`, most first (then by name). */
  busiestRooms(since: number, limit: number): Promise<{ room: string; messages: number }[]>;
  /**
   * Records that `relay` had `members` online at the start of `minute`
   * (replacing what it recorded for that minute before), and forgets
   * samples of every relay older than `forgetBefore`.
   */
  sampleOnline(minute: number, relay: string, members: number, forgetBefore: number): Promise<void>;
  /** Members online at each minute from `from` to before `to` sampled by some relay: the relays' samples summed. */
  onlineSamples(from: number, to: number): Promise<{ minute: number; members: number }[]>;

  /** Resolves when storage answers; rejects otherwise (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The moderation half of a store (bans, settings, reports, audit), which each implementation keeps in a file of its own. */
export type ModerationStore = Pick<
  Store,
  | 'ban'
  | 'unban'
  | 'bans'
  | 'settings'
  | 'saveSettings'
  | 'report'
  | 'reports'
  | 'resolveReports'
  | 'banOf'
  | 'audit'
  | 'auditLog'
>;

/** The messages of a store: sending, reading, changing, reactions, the room list, retention. */
export type MessageStore = Pick<
  Store,
  | 'append'
  | 'latest'
  | 'after'
  | 'before'
  | 'find'
  | 'get'
  | 'markDeleted'
  | 'edit'
  | 'react'
  | 'changed'
  | 'reactionsBy'
  | 'authors'
  | 'rooms'
  | 'revision'
  | 'removeOlderThan'
  | 'lastSeq'
>;

/** Activity over time, for the console's overview, which each implementation keeps in a file of its own. */
export type ActivityStore = Pick<Store, 'messagesPerMinute' | 'busiestRooms' | 'sampleOnline' | 'onlineSamples'>;

/** Who joined a room from where, and the verified names seen, which each implementation keeps in a file of its own. */
export type MemberStore = Pick<Store, 'seen' | 'lastSeen' | 'rememberVerifiedName' | 'verifiedNameSince'>;

/** The webhook queue of a store, which each implementation keeps in a file of its own. */
export type WebhookStore = Pick<Store, 'enqueueWebhooks' | 'claimWebhooks' | 'settleWebhooks' | 'webhookBody' | 'resumeWebhooks' | 'webhookQueue'>;

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

/** A room as the admin API lists it (without who is online, which the socket layer knows). */
export interface RoomSummary {
  room: string;
  /** Messages stored and not deleted. */
  messages: number;
  lastSeq: number;
  /** When its latest message was sent (ms since epoch); null when it has none. */
  lastMessageAt: number | null;
}


/** Which reports a listing holds: of one room or all, of one status or both. */
export interface ReportFilter {
  room?: string;
  status?: ReportStatus;
}

/** A page of reports, newest first; `total`: how many the filter holds in all. */
export interface ReportPage {
  reports: StoredReport[];
  total: number;
  hasMore: boolean;
}

/** A message's report: everyone who reported it, and why. */
export interface StoredReport {
  id: string;
  room: string;
  seq: number;
  reporters: Member[];
  reasons: string[];
  count: number;
  status: ReportStatus;
  /** When it was first reported. */
  ts: number;
  /** v3: who resolved it, how and when, while it is resolved (reports resolved before v3 have none). */
  resolved?: Resolution;
}

/** Which reports `resolveReports` resolves: one by id, a message's, or the open ones of an author's messages in a room. */
export type ReportTarget = { id: string } | { room: string; seq: number } | { room: string; authorId: string };

/** Who resolved a report, how, and when. */
export interface Resolution {
  by: Member;
  how: ResolvedHow;
  ts: number;
}


export interface NewAuditEntry {
  room: string;
  ts: number;
  actor: Member;
  action: AuditAction;
  memberId?: string;
  seq?: number;
  detail?: string;
}

export interface AuditEntry extends Omit<NewAuditEntry, 'room'> {
  id: number;
}

/**
 * What settling some outcomes does, one entry per room (a claim may have
 * handed out several of a room's events): the events to remove, those that
 * failed, and when the room's next event is due (the last outcome's retry
 * time, or `now`), since the room's claim ends once, after all of them.
 */
export function settlement(outcomes: WebhookOutcome[], now: number): Map<string, { done: number[]; failed: number[]; next: number }> {
  const rooms = new Map<string, { done: number[]; failed: number[]; next: number }>();
  for (const { id, room, retryAt } of outcomes) {
    let entry = rooms.get(room);
    if (!entry) rooms.set(room, (entry = { done: [], failed: [], next: now }));
    (retryAt === undefined ? entry.done : entry.failed).push(id);
    entry.next = retryAt ?? now;
  }
  return rooms;
}
