import { openSocket, request, type AckOf, type Payload, type RelaySocket, type Request } from '../client/socket.js';
import type { HandshakeAuth, ServerToClientEvents } from '../protocol/index.js';

export type { AckOf };

/** What one user of a connection hears: the room events it handles (others are ignored), and every change of the connection itself. */
export type RoomListener = Partial<ServerToClientEvents> & {
  connect(): void;
  disconnect(): void;
  connect_error(error: Error): void;
  /** Nothing heard from the relay for a while (true), or heard again (false): the connection is still open. */
  stalled(on: boolean): void;
};

/**
 * A connection to one relay as one identity, which several widgets (several
 * rooms, or several boxes of one room) may share.
 */
export interface Connection {
  readonly connected: boolean;
  /** False once the relay refused the handshake: no reconnect will follow. */
  readonly active: boolean;
  /** Starts handing `listener` the events of `room`, and the connection's own. */
  join(room: string, listener: RoomListener): void;
  /**
   * Stops. The room's last listener tells the relay (`leave`), so another box
   * of the same room keeps its messages; the connection's last one closes it.
   */
  leave(room: string, listener: RoomListener): void;
  /** Sends a request; rejects when no ack comes within `timeoutMs`. */
  request<E extends Request>(event: E, payload: Payload<E>, timeoutMs: number): Promise<AckOf<E>>;
}

/** Opens a connection, or hands out the page's existing one for the same relay and identity. */
export type Connect = (server: string, auth: HandshakeAuth) => Connection;

const shared = new Map<string, SharedConnection>();

/**
 * A request unanswered this long, with nothing at all heard from the relay
 * since it went, may mean the way to the relay is dead though no one closed
 * it (a network that stalled, a laptop that slept): the visitor is told
 * "Offline" now (`stalled`), rather than after the Engine.IO heartbeat gives
 * up (PING_INTERVAL_MS + PING_TIMEOUT_MS, 45 s by default). It may also be
 * a relay that is only slow (a busy database), so the connection is closed
 * (and Socket.IO reconnects) only when the request's own time is over with
 * still nothing heard; anything heard before says "online" again.
 */
const STALL_MS = 3000;
class SharedConnection implements Connection {
  private readonly rooms = new Map<string, Set<RoomListener>>();
  private readonly socket: RelaySocket;
  /** When the relay was last heard (any packet, or a ping). */
  #heard = 0;
  #stalled = false;
  readonly #everyone: (event: 'stalled', on: boolean) => void;
  /** The browser says the network is gone: no need to wait for a timeout. */
  readonly #offline = () => this.#drop();

  constructor(
    private readonly key: string,
    server: string,
    auth: HandshakeAuth,
  ) {
    const each = (listeners: Iterable<RoomListener> | undefined, event: string, arg?: unknown) => {
      // A copy: a listener may leave while hearing the event. An event this
      // version does not know (a newer relay's) is ignored.
      for (const listener of [...(listeners ?? [])]) (listener as any)[event]?.(arg);
    };
    const everyone = () => [...this.rooms.values()].flatMap((set) => [...set]);
    this.socket = openSocket(server, () => ({ ...auth }));
    // The connection's own events go to every listener; every relay event
    // is about one room: only that room's listeners hear it.
    this.socket.on('connect', () => each(everyone(), 'connect'));
    this.socket.on('disconnect', () => each(everyone(), 'disconnect'));
    this.socket.on('connect_error', (error) => each(everyone(), 'connect_error', error));
    this.socket.onAny((event: string, arg?: { room?: string }) => each(arg?.room === undefined ? undefined : this.rooms.get(arg.room), event, arg));
    this.#everyone = (event, on) => each(everyone(), event, on);
    const heard = () => {
      this.#heard = Date.now();
      if (this.#stalled) this.#stall(false);
    };
    this.socket.io.on('packet', heard).on('ping', heard);
    addEventListener('offline', this.#offline);
  }

  #stall(on: boolean): void {
    this.#stalled = on;
    this.#everyone('stalled', on);
  }

  /** Closes the transport as a network cut would: `disconnect`, then Socket.IO reconnects. */
  #drop(): void {
    this.#stalled = false;
    if (this.socket.connected) this.socket.io.engine.close();
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  get active(): boolean {
    return this.socket.active;
  }

  join(room: string, listener: RoomListener): void {
    const listeners = this.rooms.get(room) ?? new Set();
    this.rooms.set(room, listeners.add(listener));
  }

  leave(room: string, listener: RoomListener): void {
    const listeners = this.rooms.get(room);
    if (!listeners?.delete(listener) || listeners.size) return;
    this.rooms.delete(room);
    if (this.socket.connected) request(this.socket, 'leave', { room }, 1000).catch(() => {});
    if (this.rooms.size) return;
    shared.delete(this.key);
    removeEventListener('offline', this.#offline);
    this.socket.disconnect();
  }

  request<E extends Request>(event: E, payload: Payload<E>, timeoutMs: number): Promise<AckOf<E>> {
    const sent = Date.now();
    const quiet = () => this.#heard < sent;
    const stall = setTimeout(() => quiet() && this.#stall(true), STALL_MS);
    return request(this.socket, event, payload, timeoutMs)
      .catch((error) => {
        if (quiet()) this.#drop();
        throw error;
      })
      .finally(() => clearTimeout(stall));
  }
}

/** The page's connections: one per relay and identity, shared by every widget that uses both. */
export const connect: Connect = (server, auth) => {
  const key = JSON.stringify([server, auth.token, auth.name, auth.clientId]);
  let connection = shared.get(key);
  if (!connection) shared.set(key, (connection = new SharedConnection(key, server, auth)));
  return connection;
};
