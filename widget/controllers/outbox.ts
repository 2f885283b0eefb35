import type { ReactiveControllerHost } from 'lit';
import type { ErrorBody, Member, Message, RoomSettings } from '../../protocol/index.js';
import type { Connection } from '../connection.js';
import { rememberClientId } from '../storage.js';

/** A message the visitor sent that the relay has not acknowledged yet. */
export interface Outgoing {
  clientMsgId: string;
  text: string;
  ts: number;
  replyTo?: number;
  mentions?: string[];
  error?: ErrorBody;
}

/** What the outbox needs of the room's controller: where to send, and what the room says of the visitor. */
export interface OutboxRoom {
  readonly host: ReactiveControllerHost;
  /** The connection and room while joined; sends wait otherwise. */
  readonly joined?: { connection: Connection; room: string };
  /** The room's connection, joined or not (it outlives a disconnect). */
  readonly connection?: Connection;
  readonly settings?: RoomSettings;
  readonly self?: Member;
  /** A send the relay stored: it joins the messages held (and settles its Outgoing). */
  stored(message: Message): void;
  readonly listener: { error(error: ErrorBody): void };
}

export const NO_ANSWER: ErrorBody = { code: 'unavailable', message: 'no answer from the chat server' };
export const BANNED: ErrorBody = { code: 'banned', message: 'banned from this room' };

/** How long a request may wait for its ack before the visitor is offered a retry. */
export const ACK_TIMEOUT_MS = 10_000;

function newClientMsgId(): string {
  return `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * The visitor's sends the relay has not acknowledged: kept while offline and
 * sent again under the same clientMsgId after every join, one at a time, so a
 * backlog never trips the rate limit at once; held while the relay says to
 * slow down (rate limit, slow mode); failed ones wait for retry or discard.
 */
export class Outbox {
  outgoing: Outgoing[] = [];
  /** Set while the relay says to slow down: sends wait until then. */
  retryAt?: number;
  /** The one send awaiting its ack. */
  #inFlight?: Outgoing;
  #retryTimer?: ReturnType<typeof setTimeout>;
  #retryTick?: ReturnType<typeof setInterval>;

  constructor(private readonly room: OutboxRoom) {}

  send(text: string, replyTo?: number, mentions?: string[], banned?: object): void {
    rememberClientId();
    const outgoing: Outgoing = { clientMsgId: newClientMsgId(), text, ts: Date.now(), replyTo, mentions };
    this.outgoing = [...this.outgoing, outgoing];
    this.room.host.requestUpdate();
    if (banned) this.#fail(outgoing, BANNED);
    else this.flush();
  }

  /** Sends a failed message again, under its original clientMsgId. */
  retry(clientMsgId: string): void {
    const outgoing = this.outgoing.find((o) => o.clientMsgId === clientMsgId);
    if (!outgoing) return;
    delete outgoing.error;
    this.outgoing = [...this.outgoing];
    this.room.host.requestUpdate();
    this.flush();
  }

  discard(clientMsgId: string): void {
    this.outgoing = this.outgoing.filter((o) => o.clientMsgId !== clientMsgId);
    this.room.host.requestUpdate();
  }

  /** The connection dropped: what was on its way goes again after the next join. */
  lost(): void {
    this.#inFlight = undefined;
  }

  /** Left the room (closed, or another room): nothing waits for the relay any more. */
  stop(): void {
    clearTimeout(this.#retryTimer);
    clearInterval(this.#retryTick);
    this.retryAt = undefined;
    this.#inFlight = undefined;
  }

  /** Banned: nothing waiting will go out; say so now rather than leave it "sending". */
  failAll(): void {
    for (const outgoing of this.outgoing) if (!outgoing.error) this.#fail(outgoing, BANNED);
  }

  /** The visitor's messages the relay stored (by clientMsgId) are no longer outgoing. */
  settle(acked: Set<string | undefined>): void {
    if (acked.size > 0) this.outgoing = this.outgoing.filter((o) => !acked.has(o.clientMsgId));
  }

  /** Sends the oldest waiting message, if none is on its way and the relay allows it; each ack sends the next. */
  flush(): void {
    const outgoing = this.outgoing.find((o) => !o.error);
    const joined = this.room.joined;
    if (!outgoing || !joined || this.retryAt || this.#inFlight) return;
    this.#inFlight = outgoing;
    const { connection, room } = joined;
    const settle = (error?: ErrorBody) => {
      if (this.#inFlight !== outgoing) return;
      this.#inFlight = undefined;
      if (error?.code === 'rate_limited' || error?.code === 'slow_mode') this.#slowDown(error.retryAfterMs ?? 1000);
      else if (error) this.#fail(outgoing, error);
      this.flush();
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
            this.room.stored(ack.message);
            // Slow mode: the composer waits (keeping the draft) as long as the relay would.
            const slow = this.room.settings?.slowModeSeconds;
            if (slow && this.room.self?.role !== 'moderator') this.#slowDown(slow * 1000);
          }
          settle(ack.ok ? undefined : ack.error);
        },
        () => {
          // Unanswered while still connected: let the visitor decide. Had the
          // connection dropped, the next join resends it by itself.
          if (connection.connected && connection === this.room.connection) settle(NO_ANSWER);
        },
      );
  }

  /** Rate limited: hold the queue until the relay allows more (the visitor may go on writing), then send it. */
  #slowDown(retryAfterMs: number): void {
    if (this.retryAt) return;
    const host = this.room.host;
    this.retryAt = Date.now() + retryAfterMs;
    host.requestUpdate();
    // The countdown shown moves every second.
    this.#retryTick = setInterval(() => host.requestUpdate(), 1000);
    this.#retryTimer = setTimeout(() => {
      clearInterval(this.#retryTick);
      this.retryAt = undefined;
      host.requestUpdate();
      this.flush();
    }, retryAfterMs);
  }

  #fail(outgoing: Outgoing, error: ErrorBody): void {
    if (!this.outgoing.includes(outgoing)) return;
    outgoing.error = error;
    this.outgoing = [...this.outgoing];
    this.room.listener.error(error);
    this.room.host.requestUpdate();
  }
}
