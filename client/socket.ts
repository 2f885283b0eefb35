import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol/index.js';

/** A connection to a relay, typed with the contract's events (every relay event carries one argument). */
export type RelaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type Request = keyof ClientToServerEvents;
export type Payload<E extends Request> = Parameters<ClientToServerEvents[E]>[0];
export type AckOf<E extends Request> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/**
 * The handshake's `auth`, asked for at every (re)connect: the console's
 * socket ticket opens one connection only, so each reconnect takes a new one.
 */
export type Auth = () => object | Promise<object>;

/**
 * Opens a connection to `server`: WebSocket first, HTTP long-polling when it
 * fails (a proxy that blocks WebSocket), and reconnecting with Socket.IO's
 * backoff (1 s doubling to 5 s, ±50 %). A refused handshake or a session the
 * relay closed is final (`active` turns false). No connection-state
 * recovery: the relay has it off, and a rejoin with `since` catches up.
 */
export function openSocket(server: string, auth: Auth): RelaySocket {
  return io(server, {
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    // Its own Engine.IO connection: two identities on one relay are two connections.
    forceNew: true,
    auth: (send) => {
      // Without credentials (the console signed out) the relay refuses, and that is final.
      Promise.resolve()
        .then(auth)
        .then(send, () => send({}));
    },
  });
}

/**
 * Sends a request and resolves with its ack; rejects when none comes within
 * `timeoutMs`, when the connection drops first, or at once while disconnected
 * (nothing is buffered for later: the caller decides what to resend).
 */
export function request<E extends Request>(socket: RelaySocket, event: E, payload: Payload<E>, timeoutMs: number): Promise<AckOf<E>> {
  if (!socket.connected) return Promise.reject(new Error('disconnected'));
  // Socket.IO's types cannot follow a generic event name through its ack's parameters.
  return socket.timeout(timeoutMs).emitWithAck(event, ...([payload] as never)) as Promise<AckOf<E>>;
}
