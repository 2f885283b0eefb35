import { createRequire } from 'node:module';
import type { TcpInternals } from './node-net.js';
import { expectShape } from './shape.js';

/**
 * ws's internals (underscored there), used by socket/coalesce.ts and
 * plugins/backpressure.ts: a WebSocket's TCP socket. `bufferedAmount` and
 * `terminate` are public.
 */
export interface WsSocket {
  bufferedAmount?: number;
  terminate?: () => void;
  _socket?: TcpInternals | null;
}

/** A WebSocket transport's ws socket (`transport.socket` of an Engine.IO connection, internals/engine.io.ts). */
export function wsSocket(socket: object | undefined): WsSocket | undefined {
  return socket as WsSocket | undefined;
}

/** ws as Engine.IO loads it (a dependency of Socket.IO's, not ours). */
function requireWs(): { WebSocket: new (address: null, protocols: undefined, options: object) => object } {
  const fromSocketIo = createRequire(createRequire(import.meta.url).resolve('socket.io'));
  return createRequire(fromSocketIo.resolve('engine.io'))('ws');
}

/** Fails in one line unless a WebSocket (by default a server-side one not yet on a socket) keeps its TCP socket as `_socket`. */
export function checkWs(socket: object = new (requireWs().WebSocket)(null, undefined, {})): void {
  expectShape('ws', 'websocket._socket is not kept', '_socket' in socket);
  expectShape('ws', 'websocket.terminate() is not a function', typeof (socket as WsSocket).terminate === 'function');
}
