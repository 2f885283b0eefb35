import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  ErrorBody,
  JoinResult,
  Member,
  Message,
  SendResult,
  ServerToClientEvents,
} from '../protocol/index.js';
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
}

/** How long a send may wait for its ack before the visitor is offered a retry. */
const SEND_TIMEOUT_MS = 10_000;

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function newClientMsgId(): string {
  return `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * The widget's link to a relay: one Socket.IO connection, the room's
 * messages in seq order, and the visitor's unacknowledged sends. After every
 * (re)connect it joins with `since` = the last seq it holds and resends what
 * was never acked under the same clientMsgId, so nothing is lost or doubled.
 */
export class ChatController implements ReactiveController {
  status: Status = 'connecting';
  messages: Message[] = [];
  outgoing: Outgoing[] = [];
  self?: Member;
  count = 0;
  /** Set when a moderator banned this visitor from the room. */
  bannedUntil?: number;

  private socket?: ChatSocket;
  private options?: ChatOptions;
  private joined = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.close();
  }

  get lastSeq(): number {
    return this.messages.at(-1)?.seq ?? 0;
  }

  /** (Re)connects when the server, room or name changed; a no-op otherwise. */
  configure(options: ChatOptions): void {
    const previous = this.options;
    if (
      previous &&
      this.socket &&
      previous.server === options.server &&
      previous.room === options.room &&
      previous.name === options.name
    ) {
      return;
    }
    const sameRoom = previous?.server === options.server && previous?.room === options.room;
    this.close();
    if (!sameRoom) {
      this.messages = [];
      this.outgoing = [];
    }
    this.options = options;
    this.open();
  }

  send(text: string): void {
    rememberClientId();
    const outgoing: Outgoing = { clientMsgId: newClientMsgId(), text, ts: Date.now() };
    this.outgoing = [...this.outgoing, outgoing];
    this.host.requestUpdate();
    if (this.joined) this.transmit(outgoing);
  }

  /** Sends a failed message again, under its original clientMsgId. */
  retry(clientMsgId: string): void {
    const outgoing = this.outgoing.find((o) => o.clientMsgId === clientMsgId);
    if (!outgoing) return;
    delete outgoing.error;
    this.outgoing = [...this.outgoing];
    this.host.requestUpdate();
    if (this.joined) this.transmit(outgoing);
  }

  discard(clientMsgId: string): void {
    this.outgoing = this.outgoing.filter((o) => o.clientMsgId !== clientMsgId);
    this.host.requestUpdate();
  }

  private open(): void {
    const { server, name } = this.options!;
    const auth: Record<string, string> = { clientId: clientId() };
    if (name) auth.name = name;
    const socket: ChatSocket = io(server, {
      auth,
      // WebSocket first (one round trip less); polling when a proxy blocks it.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
    });
    this.socket = socket;
    this.setStatus('connecting');
    socket.on('connect', () => void this.join());
    socket.on('disconnect', () => {
      this.joined = false;
      this.setStatus(socket.active ? 'connecting' : 'offline');
    });
    socket.on('connect_error', () => {
      this.setStatus(socket.active ? 'connecting' : 'offline');
    });
    socket.on('message', (message) => {
      if (message.room !== this.options?.room) return;
      if (message.seq > this.lastSeq + 1) {
        // A gap: something was missed, so fetch everything after what we hold.
        void this.join();
        return;
      }
      this.merge([message]);
    });
    socket.on('deleted', ({ room, seq }) => {
      if (room !== this.options?.room) return;
      this.messages = this.messages.map((m) => (m.seq === seq ? { ...m, text: '', deleted: true } : m));
      this.host.requestUpdate();
    });
    socket.on('banned', ({ room, until }) => {
      if (room !== this.options?.room) return;
      this.joined = false;
      this.bannedUntil = until;
      this.setStatus('offline');
    });
    socket.on('presence', (event) => {
      if (event.room !== this.options?.room) return;
      this.count = event.count;
      this.host.requestUpdate();
    });
  }

  private close(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
    this.joined = false;
  }

  private async join(): Promise<void> {
    const socket = this.socket;
    const room = this.options?.room;
    if (!socket || !room) return;
    const request = this.lastSeq > 0 ? { room, since: this.lastSeq, limit: 200 } : { room };
    let ack: Ack<JoinResult>;
    try {
      ack = await socket.timeout(SEND_TIMEOUT_MS).emitWithAck('join', request);
    } catch {
      return; // No answer: the next connect joins again.
    }
    if (socket !== this.socket) return;
    if (!ack.ok) {
      if (ack.error.code === 'banned') this.bannedUntil = Date.now() + (ack.error.retryAfterMs ?? 0);
      this.setStatus('offline');
      return;
    }
    this.bannedUntil = undefined;
    this.self = ack.self;
    this.count = ack.count;
    this.merge(ack.messages);
    this.joined = true;
    this.setStatus('online');
    // Missed more than one page while away: keep catching up.
    if (ack.truncated) {
      void this.join();
      return;
    }
    for (const outgoing of this.outgoing) if (!outgoing.error) this.transmit(outgoing);
  }

  private transmit(outgoing: Outgoing): void {
    const socket = this.socket!;
    const { room } = this.options!;
    socket
      .timeout(SEND_TIMEOUT_MS)
      .emitWithAck('send', { room, text: outgoing.text, clientMsgId: outgoing.clientMsgId })
      .then(
        (ack: Ack<SendResult>) => {
          if (ack.ok) this.merge([ack.message]);
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

  private fail(outgoing: Outgoing, error: ErrorBody): void {
    if (!this.outgoing.includes(outgoing)) return;
    outgoing.error = error;
    this.outgoing = [...this.outgoing];
    this.host.requestUpdate();
  }

  /** Adds messages by seq, keeping one copy of each, and settles the sends they acknowledge. */
  private merge(incoming: Message[]): void {
    if (incoming.length === 0) return;
    const bySeq = new Map(this.messages.map((m) => [m.seq, m]));
    for (const message of incoming) bySeq.set(message.seq, message);
    this.messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    const selfId = this.self?.id;
    const acked = new Set(incoming.filter((m) => m.author.id === selfId).map((m) => m.clientMsgId));
    if (acked.size > 0) this.outgoing = this.outgoing.filter((o) => !acked.has(o.clientMsgId));
    this.host.requestUpdate();
  }

  private setStatus(status: Status): void {
    this.status = status;
    this.host.requestUpdate();
  }
}
