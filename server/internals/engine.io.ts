import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { expectShape } from './shape.js';

/**
 * Engine.IO's internals (typed private or protected there), used by
 * socket/coalesce.ts, socket/queued.ts, socket/forget-request.ts and
 * plugins/backpressure.ts: a connection's queue of packets waiting for its
 * transport, the transport's busy flag and its WebSocket, the flush that
 * hands the queue over, the HTTP request it keeps, and the server's list of
 * connections.
 */
export interface EngineConnection {
  readonly readyState: string;
  writeBuffer?: { data?: string | ArrayBufferLike | ArrayBufferView }[];
  transport: {
    name: string;
    /** False while a write is under way: Engine.IO queues packets in `writeBuffer` meanwhile. */
    writable?: boolean;
    /** The ws WebSocket of a `websocket` transport (internals/ws.ts). */
    socket?: object;
  };
  flush(): void;
  request: IncomingMessage | null;
}

/** What Engine.IO answers a WebSocket upgrade with instead of a ServerResponse: it keeps the request. */
export interface UpgradeResponse {
  req: IncomingMessage | null;
}

/** A connection's internals (`socket.conn` of a Socket.IO socket). */
export function engineConnection(conn: object): EngineConnection {
  return conn as EngineConnection;
}

/** Every open connection of an Engine.IO server (`io.engine`), by id. */
export function engineClients<Connection>(engine: object): Record<string, Connection> {
  return (engine as { clients: Record<string, Connection> }).clients;
}

/** Engine.IO as Socket.IO loads it (it is Socket.IO's dependency, not ours). */
const requireEngineIo = () => createRequire(createRequire(import.meta.url).resolve('socket.io'))('engine.io') as {
  Socket: new (id: string, server: object, transport: object, req: null, protocol: number) => EngineConnection & { close(discard: boolean): void };
};

/**
 * A connection made on a stand-in transport that writes nothing, closed at
 * once: the fields Engine.IO's constructor sets are what the relay reads.
 */
function probeConnection(): EngineConnection {
  const transport = Object.assign(new EventEmitter(), { name: 'websocket', writable: false, send() {}, discard() {}, close: (done?: () => void) => done?.() });
  const server = { opts: { pingInterval: 60_000, pingTimeout: 60_000, maxHttpBufferSize: 1 }, upgrades: () => [] };
  const conn = new (requireEngineIo().Socket)('internals-probe', server, transport, null, 4);
  conn.close(true);
  return conn;
}

/**
 * Fails in one line unless `engine` lists its connections in `clients` and a
 * connection (by default a probe made on Engine.IO's own class) has the
 * shape the relay reads.
 */
export function checkEngineIo(engine: object, conn: object = probeConnection()): void {
  const library = 'engine.io';
  const clients = (engine as { clients?: unknown }).clients;
  expectShape(library, 'server.clients is not an object', typeof clients === 'object' && clients !== null);
  const { writeBuffer, transport, flush } = conn as Partial<EngineConnection>;
  expectShape(library, 'connection.writeBuffer is not an array', Array.isArray(writeBuffer));
  expectShape(library, 'connection.flush() is not a function', typeof flush === 'function');
  expectShape(library, 'connection.transport has no name', typeof transport?.name === 'string');
  expectShape(library, 'connection.request is not kept', 'request' in conn);
}
