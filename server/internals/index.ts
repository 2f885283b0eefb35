import { checkEngineIo } from './engine.io.js';
import { checkNodeNet } from './node-net.js';
import { checkSocketIoAdapter } from './socket.io-adapter.js';
import { checkWs } from './ws.js';

/**
 * The start-up self-check of every library internal the socket layer
 * touches, on the relay's own Socket.IO server (its adapter, Redis or not,
 * and its Engine.IO server): throws one line naming the library and the
 * shape an upgrade changed. PostgreSQL's is run when its store opens
 * (internals/pg.ts).
 */
export function checkSocketInternals(io: { engine: object; of(namespace: '/'): { adapter: object } }): void {
  checkSocketIoAdapter(io.of('/').adapter);
  checkEngineIo(io.engine);
  checkWs();
  checkNodeNet();
}
