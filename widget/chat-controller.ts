import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { addMessages, deleteMessage, latestRev, mergeSettings, updateMessages } from '../client/room-state.js';
import type {
  BannedEvent,
  DeletedEvent,
  ErrorBody,
  HandshakeAuth,
  HandshakeErrorCode,
  Member,
  Message,
  OwnReaction,
  PresenceEvent,
  ReportEvent,
  ReportResolvedEvent,
  RoomEvent,
  RoomSettings,
  TypingEvent,
} from '../protocol/index.js';
import {
  DEFAULT_EDIT_WINDOW_MINUTES,
  DEFAULT_MAX_MESSAGE_LENGTH,
  DEFAULT_REACTIONS,
  HISTORY_DEFAULT_LIMIT,
  HISTORY_MAX_LIMIT,
  MAX_NAME_LENGTH,
} from '../protocol/limits.js';
import type { AckOf, Payload, Request } from '../client/socket.js';
import { connect as sharedConnection, type Connect, type Connection, type RoomListener } from './connection.js';
import { scriptRelay } from './relay-url.js';
import { clientId, recall, remember } from './storage.js';
import { ACK_TIMEOUT_MS, NO_ANSWER, Outbox } from './controllers/outbox.js';
import { Typing } from './controllers/typing.js';

export type Status = 'connecting' | 'online' | 'offline';

/** The element the controller serves: it reads the room and the identity from it. */
export interface ChatHost extends ReactiveControllerHost, Element {
  room: string;
  server?: string;
  name?: string;
  token?: string;
}

interface ChatOptions {
  server: string;
  room: string;
  name?: string;
  token?: string;
}

/** A ban on the visitor: until when (null: for good), and the moderator's reason if given. */
export interface Ban {
  until: number | null;
  reason?: string;
}

/** What the element hears about, to raise its events. */
export interface ChatListener {
  message(message: Message): void;
  connected(): void;
  disconnected(): void;
  error(error: ErrorBody): void;
  /** A moderator of the room heard a report, or that one was resolved (v3, which has `how`). */
  report(event: ReportEvent | ReportResolvedEvent): void;
}

/** The requests about one room that the widget's menus and the moderator tools make. */
export type RoomRequest = 'delete' | 'edit' | 'react' | 'report' | 'ban' | 'unban' | 'bans' | 'configure' | 'resolve';
/** A request's ack when the relay did it. */
export type Answer<E extends Request> = Extract<AckOf<E>, { ok: true }>;

/**
 * The widget's view of one room on one relay: its messages in seq order, who
 * is here and typing, and the visitor's unacknowledged sends. After every
 * (re)connect it joins with `since` = the last seq it holds and resends what
 * was never acked under the same clientMsgId, so nothing is lost or doubled.
 */
export class ChatController implements ReactiveController {
  status: Status = 'connecting';
  messages: Message[] = [];
  members = new Map<string, Member>();
  /** The visitor's sends the relay has not acknowledged. */
  readonly outbox: Outbox;
  /** Who is typing, and telling the room when the visitor does. */
  readonly typing: Typing;
  self?: Member;
  count = 0;
  /** Older messages exist before the first one held. */
  hasMore = false;
  loadingOlder = false;
  /** The handshake error code when the relay refused the connection (`origin_not_allowed`, `unauthorized`…). */
  refused?: HandshakeErrorCode;
  /**
   * Why the relay refused the visitor's identity (`invalid_name`, or
   * `unauthorized` for an expired token): they read the room as a reader
   * without a name, as on the big platforms when logged out, until they
   * choose another name or the page sets another token.
   */
  declined?: HandshakeErrorCode;
  /** The guest name the widget connects under: the page's `name` (shortened to the contract's length), else the nickname. */
  guestName?: string;
  /** The nickname the visitor chose, when the host gives no `name` or `token`. */
  nickname = recall('name');
  /** Set when a moderator banned this visitor from the room: they read it (`join { readOnly }`) until the ban is over. */
  banned?: Ban;
  /*
   * MAX_MESSAGE_LENGTH, REACTIONS and EDIT_WINDOW_MINUTES are the relay's
   * configuration (PROTOCOL.md, "Configuration"), and no event of the
   * contract carries them (the join ack holds settings, not these): the
   * widget goes by the contract's defaults. A relay configured otherwise
   * still refuses by its own (`too_long`, `invalid_payload`, `forbidden`),
   * and the widget says so as for any refused request.
   */
  /** The longest text the relay accepts by default, in characters (code points). */
  readonly maxLength = DEFAULT_MAX_MESSAGE_LENGTH;
  /** The highest revision seen in the room: a rejoin asks for every change after it. */
  rev = 0;
  /** The visitor's own reactions, as `seq emoji`. */
  mine = new Set<string>();
  /** The emoji members may react with by default. */
  readonly reactions: readonly string[] = DEFAULT_REACTIONS;
  /** How long after sending the visitor may edit by default (ms). */
  readonly editWindowMs = DEFAULT_EDIT_WINDOW_MINUTES * 60_000;
  settings?: RoomSettings;
  pinned?: Message;
  /** Why the last request was refused. */
  lastError?: ErrorBody;

  #connection?: Connection;
  #options?: ChatOptions;
  /** The names and tokens the relay refused, with its reason: never tried again. */
  readonly #refusals = new Map<string, HandshakeErrorCode>();
  #joined = false;
  readonly #handlers: RoomListener = {
    connect: () => void this.#join(),
    disconnect: () => {
      this.#joined = false;
      this.outbox.lost();
      this.typing.typists.clear();
      this.#setStatus('offline');
      this.listener.disconnected();
    },
    stalled: (on: boolean) => this.#joined && this.#setStatus(on ? 'offline' : 'online'),
    connect_error: (error: Error) => {
      // Refused by the relay (not a network failure): the socket will
      // not retry, so say why rather than spin on "Connecting…".
      if (!this.#connection?.active) {
        const code = error.message as HandshakeErrorCode;
        // `unauthorized` refuses a token; a guest's name it refuses only
        // because the relay takes no guests, which another name cannot mend.
        const { token, name } = this.#options ?? {};
        const identity = code === 'unauthorized' ? token : (token ?? name);
        this.listener.error({ code: code as ErrorBody['code'], message: `connection refused: ${code}` });
        // The identity, not the visitor: read on without one.
        if (identity && (code === 'invalid_name' || code === 'unauthorized')) {
          this.#refusals.set(identity, code);
          return this.#configure();
        }
        this.refused = code;
      }
      this.#setStatus(this.#connection?.active && !this.self ? 'connecting' : 'offline');
    },
    message: (message: Message) => {
      // A gap means something was missed: fetch everything after what we hold.
      if (message.seq > this.lastSeq + 1 && this.lastSeq > 0) void this.#join();
      else this.#merge([message]);
    },
    // An edit, a reaction or a deletion: the message changes in place, if held.
    updated: (message: Message) => this.#update([message]),
    room: ({ settings, pinned }: RoomEvent) => {
      // `blockedWords` is [] in this event: a moderator keeps the list the join gave.
      this.settings = mergeSettings(this.settings, settings);
      this.pinned = pinned;
      this.host.requestUpdate();
    },
    report: (event: ReportEvent) => this.listener.report(event),
    reportResolved: (event: ReportResolvedEvent) => this.listener.report(event),
    deleted: ({ seq }: DeletedEvent) => {
      this.messages = deleteMessage(this.messages, seq);
      this.host.requestUpdate();
    },
    presence: ({ count, joined, left }: PresenceEvent) => {
      this.count = count;
      for (const m of joined) this.members.set(m.id, m);
      for (const m of left) {
        this.members.delete(m.id);
        this.typing.typists.delete(m.id);
      }
      this.host.requestUpdate();
    },
    typing: (event: TypingEvent) => this.typing.heard(event),
    banned: ({ until, reason }: BannedEvent) => this.#ban({ until, reason }),
    // The ban is over (lifted, or its time): the join's answer says so (no `banned`).
    unbanned: () => void this.#join(),
  };

  /** `connect`: how to reach a relay; the page's shared connections unless a test hands in a fake. */
  constructor(
    readonly host: ChatHost,
    readonly listener: ChatListener,
    private readonly connect: Connect = sharedConnection,
  ) {
    this.outbox = new Outbox(this);
    this.typing = new Typing(host, this);
    host.addController(this);
  }

  hostConnected(): void {
    // Also after being moved or re-attached (closed on detach).
    this.#configure();
  }

  hostUpdate(): void {
    this.#configure();
  }

  hostDisconnected(): void {
    this.#close();
  }

  /** Keeps the nickname the visitor chose, and reconnects under it. */
  setNickname(name: string): void {
    remember('name', name);
    this.nickname = name;
    this.host.requestUpdate();
  }

  /** The connection and room while joined. */
  get joined(): { connection: Connection; room: string } | undefined {
    return this.#joined ? { connection: this.#connection!, room: this.#options!.room } : undefined;
  }

  /** The room's connection (it outlives a disconnect). */
  get connection(): Connection | undefined {
    return this.#connection;
  }

  /** The relay stored one of the visitor's sends. */
  stored(message: Message): void {
    this.#merge([message]);
  }

  get lastSeq(): number {
    return this.messages.at(-1)?.seq ?? 0;
  }

  /** (Re)connects when the host's server, room or identity changed; a no-op otherwise. */
  #configure(): void {
    const host = this.host;
    if (!host.isConnected || !host.room) return;
    const refusals = this.#refusals;
    // A name from the page longer than the contract allows is shortened (a
    // joiner left dangling at the cut goes too), not refused.
    const siteName = [...(host.name?.normalize('NFC').trim() ?? '')].slice(0, MAX_NAME_LENGTH).join('').replace(/[\s\u200D]+$/u, '');
    const names = [siteName, this.nickname];
    let token = host.token || undefined;
    this.guestName = token ? undefined : names.find((n) => n && !refusals.has(n));
    this.declined = refusals.get(token ?? this.guestName ?? names.find((n) => n) ?? '');
    if (this.declined) token = undefined;
    const options: ChatOptions = { server: host.server || scriptRelay, room: host.room, name: this.guestName, token };
    const previous = this.#options;
    const same = (key: keyof ChatOptions) => previous?.[key] === options[key];
    if (this.#connection && same('server') && same('room') && same('name') && same('token')) return;
    const sameRoom = same('server') && same('room');
    this.#close();
    if (!sameRoom) {
      this.messages = [];
      this.rev = 0;
      this.mine.clear();
      this.outbox.outgoing = [];
      this.members.clear();
      this.hasMore = false;
    }
    this.#options = options;
    this.refused = undefined;
    const auth: HandshakeAuth = { clientId: clientId() };
    if (options.token) auth.token = options.token;
    else if (options.name) auth.name = options.name;
    const connection = (this.#connection = this.connect(options.server, auth));
    connection.join(options.room, this.#handlers);
    this.#setStatus('connecting');
    if (connection.connected) void this.#join();
  }

  send(text: string, replyTo?: number, mentions?: string[]): void {
    this.typing.stop();
    this.outbox.send(text, replyTo, mentions, this.banned);
  }

  /** Fetches the page of messages before the oldest one held (down to `seq`, when given). */
  async loadOlder(seq?: number): Promise<void> {
    if (!this.#joined || !this.hasMore || this.loadingOlder) return;
    const before = this.messages[0]?.seq ?? this.lastSeq + 1;
    this.loadingOlder = true;
    this.host.requestUpdate();
    try {
      const ack = await this.#connection!.request(
        'history',
        { room: this.#options!.room, before, limit: seq ? Math.min(HISTORY_MAX_LIMIT, before - seq) : HISTORY_DEFAULT_LIMIT },
        ACK_TIMEOUT_MS,
      );
      if (ack.ok) {
        this.hasMore = ack.hasMore;
        this.#own(ack.myReactions);
        this.#merge(ack.messages, false);
      }
    } catch {
      // No answer: scrolling up again tries again.
    } finally {
      this.loadingOlder = false;
      this.host.requestUpdate();
    }
  }

  /** Forgets all but the newest `keep` messages (the reader is at the bottom); scrolling up fetches them again. */
  dropOldest(keep: number): void {
    if (this.messages.length <= keep) return;
    this.messages = this.messages.slice(-keep);
    this.hasMore = true;
  }

  /** Deletes a message (own, or any for moderators). Resolves true once the relay did. */
  async remove(seq: number): Promise<boolean> {
    return !!(await this.ask('delete', { seq }));
  }

  /** Edits one of the visitor's messages. Resolves true once the relay did. */
  async edit(seq: number, text: string): Promise<boolean> {
    const ack = await this.ask('edit', { seq, text });
    if (ack) this.#update([ack.message]);
    return !!ack;
  }

  /** Adds (`on`) or takes back the visitor's reaction. */
  async react(seq: number, emoji: string, on: boolean): Promise<void> {
    const ack = await this.ask('react', { seq, emoji, on });
    if (!ack) return;
    this.mine[on ? 'add' : 'delete'](`${seq} ${emoji}`);
    this.#update([ack.message]);
  }

  /** Reports a message to the room's moderators, with a reason if given. */
  async report(seq: number, reason: string): Promise<boolean> {
    return !!(await this.ask('report', { seq, ...(reason ? { reason } : {}) }));
  }

  /**
   * Sends a request about the room (`room` is added) and resolves with its
   * ack, or undefined when it was refused or unanswered (the error is raised).
   * The moderator script's requests go through here too, typed by the
   * contract's ClientToServerEvents.
   */
  async ask<E extends RoomRequest>(event: E, payload: Omit<Payload<E>, 'room'>): Promise<Answer<E> | undefined> {
    try {
      const ack = await this.#connection!.request(event, { room: this.#options!.room, ...payload } as Payload<E>, ACK_TIMEOUT_MS);
      if (ack.ok) return ack as Answer<E>;
      this.listener.error((this.lastError = ack.error));
    } catch {
      this.listener.error((this.lastError = NO_ANSWER));
    }
    return undefined;
  }

  #close(): void {
    const connection = this.#connection;
    if (!connection) return;
    // The connection may live on for other widgets, even of this room: it
    // tells the relay when the room's last one goes.
    connection.leave(this.#options!.room, this.#handlers);
    this.#connection = undefined;
    this.#joined = false;
    this.outbox.stop();
    this.typing.stop();
  }

  #ban(ban: Ban): void {
    this.#joined = false;
    this.banned = ban;
    this.outbox.failAll();
    this.#setStatus('offline');
    // Read on, as on the big platforms (`join { readOnly }`), until the
    // relay says `unbanned`: the ban lifted, or its time over (a visitor away
    // then finds it over at the next join).
    void this.#join();
  }

  async #join(): Promise<void> {
    const connection = this.#connection;
    const room = this.#options?.room;
    if (!connection || !room) return;
    // After a reconnect: the messages after the last one held, and the changes to those held.
    const request = {
      room,
      ...(this.lastSeq > 0 ? { since: this.lastSeq, limit: HISTORY_MAX_LIMIT, sinceRev: this.rev } : {}),
      // v3: banned, read the room (only then: a v2 relay refuses the field).
      ...(this.banned ? { readOnly: true } : {}),
    };
    let ack;
    try {
      ack = await connection.request('join', request, ACK_TIMEOUT_MS);
    } catch {
      return; // No answer: the next connect joins again.
    }
    if (connection !== this.#connection) return;
    if (!ack.ok) {
      this.listener.error(ack.error);
      if (ack.error.code === 'banned') {
        const { retryAfterMs: wait, until, reason } = ack.error;
        // A v2 relay says only how long, and refuses `readOnly`: not tried twice.
        if (!this.banned) this.#ban({ until: until !== undefined ? until : wait ? Date.now() + wait : null, reason });
      } else if (ack.error.code === 'rate_limited') {
        // The relay asked to wait (its budget of join answers): join (or
        // resync) again then, rather than stay offline until the next reconnect.
        if (!this.#joined) this.#setStatus('connecting');
        setTimeout(() => {
          if (connection === this.#connection && connection.connected) void this.#join();
        }, ack.error.retryAfterMs ?? 1000);
      } else this.#setStatus('offline');
      return;
    }
    this.banned = ack.banned;
    this.self = ack.self;
    this.settings = ack.settings;
    this.pinned = ack.pinned;
    this.#own(ack.myReactions);
    this.#update(ack.changed ?? []);
    this.rev = Math.max(this.rev, ack.rev ?? 0);
    this.count = ack.count;
    this.members = new Map(ack.members.map((m) => [m.id, m]));
    if (this.messages.length === 0) this.hasMore = (ack.messages[0]?.seq ?? 1) > 1;
    // After a reconnect, what was missed is news like any live message.
    this.#merge(ack.messages, request.since !== undefined);
    this.#joined = true;
    this.#setStatus('online');
    this.listener.connected();
    if (ack.truncated) {
      void this.#join(); // Missed more than one page while away: keep catching up.
      return;
    }
    this.outbox.flush();
  }

  /**
   * Adds messages by seq, keeping one copy of each, and settles the sends
   * they acknowledge. `news`: new ones are announced (live or caught up after
   * a reconnect), not history.
   */
  #merge(incoming: Message[], news = true): void {
    if (incoming.length === 0) return;
    const { messages, added } = addMessages(this.messages, incoming);
    this.rev = latestRev(this.rev, incoming);
    if (news) for (const message of added) this.listener.message(message);
    this.messages = messages;
    const selfId = this.self?.id;
    const acked = new Set<string | undefined>();
    for (const message of incoming) {
      if (message.author.id === selfId) acked.add(message.clientMsgId);
      this.typing.typists.delete(message.author.id);
    }
    this.outbox.settle(acked);
    this.host.requestUpdate();
  }

  /** Messages that changed (edited, deleted, reacted to) replace the copies held; others are not fetched. */
  #update(changed: Message[]): void {
    this.rev = latestRev(this.rev, changed);
    this.messages = updateMessages(this.messages, changed);
    const pinned = this.pinned && changed.find((m) => m.seq === this.pinned!.seq);
    if (pinned) this.pinned = pinned;
    this.host.requestUpdate();
  }

  #own(reactions: OwnReaction[] = []): void {
    for (const { seq, emoji } of reactions) this.mine.add(`${seq} ${emoji}`);
  }

  #setStatus(status: Status): void {
    this.status = status;
    this.host.requestUpdate();
  }
}
