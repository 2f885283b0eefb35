import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type {
  Ack,
  DeletedEvent,
  ErrorBody,
  HandshakeAuth,
  HistoryResult,
  JoinResult,
  Member,
  Message,
  PresenceEvent,
  SendResult,
  TypingEvent,
  BannedEvent,
} from '../protocol/index.js';
import { acquire, release, type ChatSocket } from './connection.js';
import { clientId, rememberClientId } from './storage.js';

export type Status = 'connecting' | 'online' | 'offline';

/** A message the visitor sent that the relay has not acknowledged yet. */
export interface Outgoing {
  clientMsgId: string;
  text: string;
  ts: number;
  error?: ErrorBody;
}

export interface ChatOptions {
  server: string;
  room: string;
  name?: string;
  token?: string;
}

/** What the element hears about, to raise its events. */
export interface ChatListener {
  message(message: Message): void;
  connected(): void;
  disconnected(): void;
  error(error: ErrorBody): void;
}

/** How long a request may wait for its ack before the visitor is offered a retry. */
const ACK_TIMEOUT_MS = 10_000;
/** Repeat typing:true this often while typing (the relay's throttle); stop after this long idle. */
const TYPING_REPEAT_MS = 2000;
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
  refused?: string;
  /** Set when a moderator banned this visitor from the room. */
  bannedUntil?: number;
  /** Set while the relay says to slow down: sends wait until then. */
  retryAt?: number;

  private socket?: ChatSocket;
  private options?: ChatOptions;
  private joined = false;
  private typingSentAt = 0;
  private typingIdle?: ReturnType<typeof setTimeout>;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private retryTick?: ReturnType<typeof setInterval>;
  private readonly handlers = {
    connect: () => void this.join(),
    disconnect: () => {
      this.joined = false;
      this.typists.clear();
      this.setStatus(this.socket?.active ? 'connecting' : 'offline');
      this.listener.disconnected();
    },
    connect_error: (error: Error) => {
      // Refused by the relay (not a network failure): socket.io-client will
      // not retry, so say why rather than spin on "Connecting…".
      if (!this.socket?.active) {
        this.refused = error.message;
        this.listener.error({ code: error.message as ErrorBody['code'], message: `connection refused: ${error.message}` });
      }
      this.setStatus(this.socket?.active ? 'connecting' : 'offline');
    },
    message: (message: Message) => {
      if (message.room !== this.options?.room) return;
      // A gap means something was missed: fetch everything after what we hold.
      if (message.seq > this.lastSeq + 1 && this.lastSeq > 0) void this.join();
      else this.merge([message]);
    },
    deleted: ({ room, seq }: DeletedEvent) => {
      if (room !== this.options?.room) return;
      this.messages = this.messages.map((m) => (m.seq === seq ? { ...m, text: '', deleted: true } : m));
      this.host.requestUpdate();
    },
    presence: ({ room, count, joined, left }: PresenceEvent) => {
      if (room !== this.options?.room) return;
      this.count = count;
      for (const m of joined) this.members.set(m.id, m);
      for (const m of left) {
        this.members.delete(m.id);
        this.typists.delete(m.id);
      }
      this.host.requestUpdate();
    },
    typing: ({ room, member, typing }: TypingEvent) => {
      if (room !== this.options?.room) return;
      if (typing) {
        this.typists.set(member.id, { member, until: Date.now() + TYPIST_EXPIRY_MS });
        setTimeout(() => this.pruneTypists(), TYPIST_EXPIRY_MS + 50);
      } else {
        this.typists.delete(member.id);
      }
      this.host.requestUpdate();
    },
    banned: ({ room, until }: BannedEvent) => {
      if (room !== this.options?.room) return;
      this.joined = false;
      // A ban without end (until: null) shows as one that ends far beyond any reader's visit.
      this.bannedUntil = until ?? Number.MAX_SAFE_INTEGER;
      this.setStatus('offline');
    },
  };

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly listener: ChatListener,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.close();
  }

  get lastSeq(): number {
    return this.messages.at(-1)?.seq ?? 0;
  }

  /** (Re)connects when the server, room or identity changed; a no-op otherwise. */
  configure(options: ChatOptions): void {
    const previous = this.options;
    const same = (key: keyof ChatOptions) => previous?.[key] === options[key];
    if (this.socket && same('server') && same('room') && same('name') && same('token')) return;
    const sameRoom = same('server') && same('room');
    this.close();
    if (!sameRoom) {
      this.messages = [];
      this.outgoing = [];
      this.members.clear();
      this.hasMore = false;
    }
    this.options = options;
    this.refused = undefined;
    const auth: HandshakeAuth = { clientId: clientId() };
    if (options.token) auth.token = options.token;
    else if (options.name) auth.name = options.name;
    const socket = acquire(options.server, auth);
    this.socket = socket;
    for (const [event, handler] of Object.entries(this.handlers)) socket.on(event as 'message', handler as never);
    this.setStatus('connecting');
    if (socket.connected) void this.join();
  }

  send(text: string): void {
    rememberClientId();
    const outgoing: Outgoing = { clientMsgId: newClientMsgId(), text, ts: Date.now() };
    this.outgoing = [...this.outgoing, outgoing];
    this.typingSentAt = 0;
    clearTimeout(this.typingIdle);
    this.host.requestUpdate();
    if (this.joined && !this.retryAt) this.transmit(outgoing);
  }

  /** Sends a failed message again, under its original clientMsgId. */
  retry(clientMsgId: string): void {
    const outgoing = this.outgoing.find((o) => o.clientMsgId === clientMsgId);
    if (!outgoing) return;
    delete outgoing.error;
    this.outgoing = [...this.outgoing];
    this.host.requestUpdate();
    if (this.joined && !this.retryAt) this.transmit(outgoing);
  }

  discard(clientMsgId: string): void {
    this.outgoing = this.outgoing.filter((o) => o.clientMsgId !== clientMsgId);
    this.host.requestUpdate();
  }

  /** Tells the room the visitor is typing: repeated while they type, stopped when they pause. */
  typing(active: boolean): void {
    if (!this.joined) return;
    const room = this.options!.room;
    clearTimeout(this.typingIdle);
    if (!active) {
      if (this.typingSentAt) this.socket!.emit('typing', { room, typing: false }, () => {});
      this.typingSentAt = 0;
      return;
    }
    if (Date.now() - this.typingSentAt >= TYPING_REPEAT_MS) {
      this.typingSentAt = Date.now();
      this.socket!.emit('typing', { room, typing: true }, () => {});
    }
    this.typingIdle = setTimeout(() => this.typing(false), TYPING_IDLE_MS);
  }

  /** Fetches the page of messages before the oldest one held. */
  async loadOlder(): Promise<void> {
    if (!this.joined || !this.hasMore || this.loadingOlder) return;
    this.loadingOlder = true;
    this.host.requestUpdate();
    try {
      const ack: Ack<HistoryResult> = await this.socket!.timeout(ACK_TIMEOUT_MS).emitWithAck('history', {
        room: this.options!.room,
        before: this.messages[0]?.seq ?? this.lastSeq + 1,
        limit: 50,
      });
      if (ack.ok) {
        this.hasMore = ack.hasMore;
        this.merge(ack.messages, false);
      }
    } catch {
      // No answer: scrolling up again tries again.
    } finally {
      this.loadingOlder = false;
      this.host.requestUpdate();
    }
  }

  /** Deletes a message (own, or any for moderators). */
  remove(seq: number): Promise<void> {
    return this.request('delete', { room: this.options!.room, seq });
  }

  /** Bans a member from the room (moderators). */
  ban(memberId: string, minutes: number): Promise<void> {
    return this.request('ban', { room: this.options!.room, memberId, minutes });
  }

  private async request(event: 'delete' | 'ban', payload: object): Promise<void> {
    try {
      const ack: Ack = await (this.socket!.timeout(ACK_TIMEOUT_MS) as any).emitWithAck(event, payload);
      if (!ack.ok) this.listener.error(ack.error);
    } catch {
      this.listener.error({ code: 'unavailable', message: 'no answer from the chat server' });
    }
  }

  private close(): void {
    const socket = this.socket;
    if (!socket) return;
    for (const [event, handler] of Object.entries(this.handlers)) socket.off(event as 'message', handler as never);
    // The connection may live on for other widgets: leave this room explicitly.
    if (this.joined) socket.emit('leave', { room: this.options!.room }, () => {});
    release(socket);
    this.socket = undefined;
    this.joined = false;
    clearTimeout(this.retryTimer);
    clearInterval(this.retryTick);
    clearTimeout(this.typingIdle);
    this.retryAt = undefined;
  }

  private async join(): Promise<void> {
    const socket = this.socket;
    const room = this.options?.room;
    if (!socket || !room) return;
    const request = this.lastSeq > 0 ? { room, since: this.lastSeq, limit: 200 } : { room };
    let ack: Ack<JoinResult>;
    try {
      ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('join', request);
    } catch {
      return; // No answer: the next connect joins again.
    }
    if (socket !== this.socket) return;
    if (!ack.ok) {
      if (ack.error.code === 'banned') this.bannedUntil = Date.now() + (ack.error.retryAfterMs ?? 0);
      this.listener.error(ack.error);
      this.setStatus('offline');
      return;
    }
    this.bannedUntil = undefined;
    this.self = ack.self;
    this.count = ack.count;
    this.members = new Map(ack.members.map((m) => [m.id, m]));
    if (this.messages.length === 0) this.hasMore = (ack.messages[0]?.seq ?? 1) > 1;
    // After a reconnect, what was missed is news like any live message.
    this.merge(ack.messages, request.since !== undefined);
    this.joined = true;
    this.setStatus('online');
    this.listener.connected();
    if (ack.truncated) {
      void this.join(); // Missed more than one page while away: keep catching up.
      return;
    }
    this.flush();
  }

  private flush(): void {
    if (this.retryAt) return;
    for (const outgoing of this.outgoing) if (!outgoing.error) this.transmit(outgoing);
  }

  private transmit(outgoing: Outgoing): void {
    const socket = this.socket!;
    const { room } = this.options!;
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('send', { room, text: outgoing.text, clientMsgId: outgoing.clientMsgId })
      .then(
        (ack: Ack<SendResult>) => {
          if (ack.ok) this.merge([ack.message]);
          else if (ack.error.code === 'rate_limited') this.slowDown(ack.error.retryAfterMs ?? 1000);
          else this.fail(outgoing, ack.error);
        },
        () => {
          // Unanswered while still connected: let the visitor decide. Had the
          // connection dropped, the next join resends it by itself.
          if (socket.connected && socket === this.socket) {
            this.fail(outgoing, { code: 'unavailable', message: 'no answer from the chat server' });
          }
        },
      );
  }

  /** Rate limited: hold every pending send until the relay allows more, then send them. */
  private slowDown(retryAfterMs: number): void {
    if (this.retryAt) return;
    this.retryAt = Date.now() + retryAfterMs;
    this.host.requestUpdate();
    // The countdown shown moves every second.
    this.retryTick = setInterval(() => this.host.requestUpdate(), 1000);
    this.retryTimer = setTimeout(() => {
      clearInterval(this.retryTick);
      this.retryAt = undefined;
      this.host.requestUpdate();
      if (this.joined) this.flush();
    }, retryAfterMs);
  }

  private fail(outgoing: Outgoing, error: ErrorBody): void {
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
  private merge(incoming: Message[], news = true): void {
    if (incoming.length === 0) return;
    const bySeq = new Map(this.messages.map((m) => [m.seq, m]));
    const selfId = this.self?.id;
    const acked = new Set<string | undefined>();
    for (const message of incoming) {
      if (news && !bySeq.has(message.seq)) this.listener.message(message);
      bySeq.set(message.seq, message);
      if (message.author.id === selfId) acked.add(message.clientMsgId);
      this.typists.delete(message.author.id);
    }
    this.messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    if (acked.size > 0) this.outgoing = this.outgoing.filter((o) => !acked.has(o.clientMsgId));
    this.host.requestUpdate();
  }

  private pruneTypists(): void {
    const now = Date.now();
    for (const [id, { until }] of this.typists) if (until <= now) this.typists.delete(id);
    this.host.requestUpdate();
  }

  private setStatus(status: Status): void {
    this.status = status;
    this.host.requestUpdate();
  }
}
