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
  TYPING_THROTTLE_MS,
} from '../protocol/limits.js';
import { connect as sharedConnection, type Connect, type Connection, type RoomListener } from './connection.js';
import { scriptRelay } from './relay-url.js';
import { clientId, recall, remember, rememberClientId } from './storage.js';

export type Status = 'connecting' | 'online' | 'offline';

/** A message the visitor sent that the relay has not acknowledged yet. */
export interface Outgoing {
  clientMsgId: string;
  text: string;
  ts: number;
  replyTo?: number;
  mentions?: string[];
  error?: ErrorBody;
}

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
  /** A moderator of the room heard a report. */
  report(event: ReportEvent): void;
}

const NO_ANSWER: ErrorBody = { code: 'unavailable', message: 'no answer from the chat server' };
const BANNED: ErrorBody = { code: 'banned', message: 'banned from this room' };

/** How long a request may wait for its ack before the visitor is offered a retry. */
const ACK_TIMEOUT_MS = 10_000;
/** Stop saying "typing" after this long idle (it is repeated every TYPING_THROTTLE_MS while typing). */
const TYPING_IDLE_MS = 4000;
/** Forget someone's "typing" after this long without a repeat (a lost `false`). */
const TYPIST_EXPIRY_MS = 6000;

function newClientMsgId(): string {
  return `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * The widget's view of one room on one relay: its messages in seq order, who
 * is here and typing, and the visitor's unacknowledged sends. After every
 * (re)connect it joins with `since` = the last seq it holds and resends what
 * was never acked under the same clientMsgId, so nothing is lost or doubled.
 */
export class ChatController implements ReactiveController {
  status: Status = 'connecting';
  messages: Message[] = [];
  outgoing: Outgoing[] = [];
  members = new Map<string, Member>();
  typists = new Map<string, { member: Member; until: number }>();
  self?: Member;
  count = 0;
  /** Older messages exist before the first one held. */
  hasMore = false;
  loadingOlder = false;
  /** The handshake error code when the relay refused the connection (`origin_not_allowed`, `unauthorized`…). */
  refused?: HandshakeErrorCode;
  /** The nickname the visitor chose, when the host gives no `name` or `token`. */
  nickname = recall('name');
  /** Set when a moderator banned this visitor from the room. */
  banned?: Ban;
  /** The longest text the relay accepts, in characters (code points). */
  maxLength = DEFAULT_MAX_MESSAGE_LENGTH;
  /** Set while the relay says to slow down: sends wait until then. */
  retryAt?: number;
  /** The highest revision seen in the room: a rejoin asks for every change after it. */
  rev = 0;
  /** The visitor's own reactions, as `seq emoji`. */
  mine = new Set<string>();
  /** The emoji members may react with: the relay's, if its join ack names them. */
  reactions: readonly string[] = DEFAULT_REACTIONS;
  /** How long after sending the visitor may edit (ms). */
  editWindowMs = DEFAULT_EDIT_WINDOW_MINUTES * 60_000;
  settings?: RoomSettings;
  pinned?: Message;
  /** Why the last request was refused. */
  lastError?: ErrorBody;

  #connection?: Connection;
  #options?: ChatOptions;
  #joined = false;
  #typingSentAt = 0;
  #typingIdle?: ReturnType<typeof setTimeout>;
  #retryTimer?: ReturnType<typeof setTimeout>;
  #retryTick?: ReturnType<typeof setInterval>;
  /** The one send awaiting its ack: the queue goes out one at a time, so a backlog never trips the rate limit at once. */
  #inFlight?: Outgoing;
  readonly #handlers: RoomListener = {
    connect: () => void this.#join(),
    disconnect: () => {
      this.#joined = false;
      this.#inFlight = undefined;
      this.typists.clear();
      this.#setStatus(this.#connection?.active ? 'connecting' : 'offline');
      this.listener.disconnected();
    },
    connect_error: (error: Error) => {
      // Refused by the relay (not a network failure): the socket will
      // not retry, so say why rather than spin on "Connecting…".
      if (!this.#connection?.active) {
        this.refused = error.message as HandshakeErrorCode;
        this.listener.error({ code: error.message as ErrorBody['code'], message: `connection refused: ${error.message}` });
      }
      this.#setStatus(this.#connection?.active ? 'connecting' : 'offline');
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
    deleted: ({ seq }: DeletedEvent) => {
      this.messages = deleteMessage(this.messages, seq);
      this.host.requestUpdate();
    },
    presence: ({ count, joined, left }: PresenceEvent) => {
      this.count = count;
      for (const m of joined) this.members.set(m.id, m);
      for (const m of left) {
        this.members.delete(m.id);
        this.typists.delete(m.id);
      }
      this.host.requestUpdate();
    },
    typing: ({ member, typing }: TypingEvent) => {
      if (typing) {
        this.typists.set(member.id, { member, until: Date.now() + TYPIST_EXPIRY_MS });
        setTimeout(() => this.#pruneTypists(), TYPIST_EXPIRY_MS + 50);
      } else {
        this.typists.delete(member.id);
      }
      this.host.requestUpdate();
    },
    banned: ({ until, reason }: BannedEvent) => this.#ban({ until, reason }),
  };

  /** `connect`: how to reach a relay; the page's shared connections unless a test hands in a fake. */
  constructor(
    private readonly host: ChatHost,
    private readonly listener: ChatListener,
    private readonly connect: Connect = sharedConnection,
  ) {
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

  get lastSeq(): number {
    return this.messages.at(-1)?.seq ?? 0;
  }

  /** (Re)connects when the host's server, room or identity changed; a no-op otherwise. */
  #configure(): void {
    const host = this.host;
    if (!host.isConnected || !host.room) return;
    const options: ChatOptions = {
      server: host.server || scriptRelay,
      room: host.room,
      name: host.name?.trim() || this.nickname,
      token: host.token || undefined,
    };
    const previous = this.#options;
    const same = (key: keyof ChatOptions) => previous?.[key] === options[key];
    if (this.#connection && same('server') && same('room') && same('name') && same('token')) return;
    const sameRoom = same('server') && same('room');
    this.#close();
    if (!sameRoom) {
      this.messages = [];
      this.rev = 0;
      this.mine.clear();
      this.outgoing = [];
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
    rememberClientId();
    const outgoing: Outgoing = { clientMsgId: newClientMsgId(), text, ts: Date.now(), replyTo, mentions };
    this.outgoing = [...this.outgoing, outgoing];
    this.#typingSentAt = 0;
    clearTimeout(this.#typingIdle);
    this.host.requestUpdate();
    if (this.banned) this.#fail(outgoing, BANNED);
    else this.#flush();
  }

  /** Sends a failed message again, under its original clientMsgId. */
  retry(clientMsgId: string): void {
    const outgoing = this.outgoing.find((o) => o.clientMsgId === clientMsgId);
    if (!outgoing) return;
    delete outgoing.error;
    this.outgoing = [...this.outgoing];
    this.host.requestUpdate();
    this.#flush();
  }

  discard(clientMsgId: string): void {
    this.outgoing = this.outgoing.filter((o) => o.clientMsgId !== clientMsgId);
    this.host.requestUpdate();
  }

  /** Tells the room the visitor is typing: repeated while they type, stopped when they pause. */
  typing(active: boolean): void {
    if (!this.#joined) return;
    const room = this.#options!.room;
    clearTimeout(this.#typingIdle);
    if (!active) {
      if (this.#typingSentAt) this.#connection!.request('typing', { room, typing: false }, ACK_TIMEOUT_MS).catch(() => {});
      this.#typingSentAt = 0;
      return;
    }
    if (Date.now() - this.#typingSentAt >= TYPING_THROTTLE_MS) {
      this.#typingSentAt = Date.now();
      this.#connection!.request('typing', { room, typing: true }, ACK_TIMEOUT_MS).catch(() => {});
    }
    this.#typingIdle = setTimeout(() => this.typing(false), TYPING_IDLE_MS);
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
   * The moderator script's requests go through here too.
   */
  async ask(event: string, payload: object): Promise<any> {
    try {
      const ack: any = await this.#connection!.request(event as 'delete', { room: this.#options!.room, ...payload } as never, ACK_TIMEOUT_MS);
      if (ack.ok) return ack;
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
    clearTimeout(this.#retryTimer);
    clearInterval(this.#retryTick);
    clearTimeout(this.#typingIdle);
    this.retryAt = undefined;
    this.#inFlight = undefined;
  }

  #ban(ban: Ban): void {
    this.#joined = false;
    this.banned = ban;
    // Nothing waiting will go out: say so now rather than leave it "sending".
    for (const outgoing of this.outgoing) if (!outgoing.error) this.#fail(outgoing, BANNED);
    this.#setStatus('offline');
  }

  async #join(): Promise<void> {
    const connection = this.#connection;
    const room = this.#options?.room;
    if (!connection || !room) return;
    // After a reconnect: the messages after the last one held, and the changes to those held.
    const request =
      this.lastSeq > 0 ? { room, since: this.lastSeq, limit: HISTORY_MAX_LIMIT, sinceRev: this.rev } : { room };
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
        const wait = ack.error.retryAfterMs;
        this.#ban({ until: wait ? Date.now() + wait : null });
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
    this.banned = undefined;
    // A relay may announce its own limit (an addition some relays make to the join ack).
    const max = (ack as { maxMessageLength?: unknown }).maxMessageLength;
    if (typeof max === 'number' && max > 0) this.maxLength = max;
    this.self = ack.self;
    // v2 relays (a v1 relay sends neither).
    const extra = ack as { reactions?: unknown; editWindowMinutes?: unknown; settings?: RoomSettings; pinned?: Message };
    if (Array.isArray(extra.reactions)) this.reactions = extra.reactions;
    if (typeof extra.editWindowMinutes === 'number') this.editWindowMs = extra.editWindowMinutes * 60_000;
    this.settings = extra.settings;
    this.pinned = extra.pinned;
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
    this.#flush();
  }

  /** Sends the oldest waiting message, if none is on its way and the relay allows it; each ack sends the next. */
  #flush(): void {
    const outgoing = this.outgoing.find((o) => !o.error);
    if (!outgoing || !this.#joined || this.retryAt || this.#inFlight) return;
    this.#inFlight = outgoing;
    const connection = this.#connection!;
    const { room } = this.#options!;
    const settle = (error?: ErrorBody) => {
      if (this.#inFlight !== outgoing) return;
      this.#inFlight = undefined;
      if (error?.code === 'rate_limited' || error?.code === 'slow_mode') this.#slowDown(error.retryAfterMs ?? 1000);
      else if (error) this.#fail(outgoing, error);
      this.#flush();
    };
    connection
      .request(
        'send',
        {
          room,
          text: outgoing.text,
          clientMsgId: outgoing.clientMsgId,
          // Only when set: a v1 relay refuses unknown fields.
          ...(outgoing.replyTo ? { replyTo: outgoing.replyTo } : {}),
          ...(outgoing.mentions?.length ? { mentions: outgoing.mentions } : {}),
        },
        ACK_TIMEOUT_MS,
      )
      .then(
        (ack) => {
          if (ack.ok) {
            this.#merge([ack.message]);
            // Slow mode: the composer waits (keeping the draft) as long as the relay would.
            const slow = this.settings?.slowModeSeconds;
            if (slow && this.self?.role !== 'moderator') this.#slowDown(slow * 1000);
          }
          settle(ack.ok ? undefined : ack.error);
        },
        () => {
          // Unanswered while still connected: let the visitor decide. Had the
          // connection dropped, the next join resends it by itself.
          if (connection.connected && connection === this.#connection) settle(NO_ANSWER);
        },
      );
  }

  /** Rate limited: hold the queue until the relay allows more (the visitor may go on writing), then send it. */
  #slowDown(retryAfterMs: number): void {
    if (this.retryAt) return;
    this.retryAt = Date.now() + retryAfterMs;
    this.host.requestUpdate();
    // The countdown shown moves every second.
    this.#retryTick = setInterval(() => this.host.requestUpdate(), 1000);
    this.#retryTimer = setTimeout(() => {
      clearInterval(this.#retryTick);
      this.retryAt = undefined;
      this.host.requestUpdate();
      this.#flush();
    }, retryAfterMs);
  }

  #fail(outgoing: Outgoing, error: ErrorBody): void {
    if (!this.outgoing.includes(outgoing)) return;
    outgoing.error = error;
    this.outgoing = [...this.outgoing];
    this.listener.error(error);
    this.host.requestUpdate();
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
      this.typists.delete(message.author.id);
    }
    if (acked.size > 0) this.outgoing = this.outgoing.filter((o) => !acked.has(o.clientMsgId));
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

  #pruneTypists(): void {
    const now = Date.now();
    for (const [id, { until }] of this.typists) if (until <= now) this.typists.delete(id);
    this.host.requestUpdate();
  }

  #setStatus(status: Status): void {
    this.status = status;
    this.host.requestUpdate();
  }
}
