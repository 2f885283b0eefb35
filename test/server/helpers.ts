import type { FastifyInstance } from 'fastify';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '../../protocol/index.js';
import { buildApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { demoDir, widgetDir } from '../../server/paths.js';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Relay {
  url: string;
  app: FastifyInstance;
  config: Config;
  /** A fresh folder for this relay's files, removed after the test. */
  dir: string;
  close(): Promise<void>;
}

export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'live-chat-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The variables the relay reads (PORT, DATABASE_URL …), as loadConfig looks them up. */
const relayVariables = (() => {
  const read = new Set<string>(['INIT_CWD']);
  loadConfig(new Proxy({}, { get: (_, name) => (typeof name === 'string' && read.add(name), undefined) }), { widgetDir, demoDir });
  return read;
})();

/**
 * The environment for a process a test starts (the relay, scripts/backup.mjs):
 * the tests' own, minus any relay variable the shell that ran them set (and
 * npm's INIT_CWD), plus `env`. With `cwd: tempDir(t)`, what the child sees
 * never depends on the developer's shell or working folder (`npm start`
 * leaves ./data/live-chat.db there).
 */
export function childEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !relayVariables.has(name))), ...env };
}

/** A real relay on port 0 with a real SQLite file, closed after the test. */
export async function startRelay(
  t: TestContext,
  overrides: Partial<Config> = {},
  dir = tempDir(t),
): Promise<Relay> {
  const config: Config = {
    ...loadConfig({}, { widgetDir, demoDir }),
    databaseUrl: `sqlite:${join(dir, 'chat.db')}`,
    // Tests send quickly; the limit has tests of its own that turn it on.
    rateLimit: undefined,
    ...overrides,
    port: 0,
    host: '127.0.0.1',
  };
  const app = await buildApp(config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
  };
  t.after(close);
  return { url, app, config, dir, close };
}

/** A real socket.io-client, connected (or rejected with the connect_error message), closed after the test. */
export function connect(
  t: TestContext,
  url: string,
  auth: HandshakeAuth = {},
  options: { transports?: ('websocket' | 'polling')[] } = {},
): Promise<Client> {
  const socket: Client = io(url, {
    auth,
    transports: options.transports ?? ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  t.after(() => void socket.disconnect());
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

/** Emits and resolves with the ack; fails the test if none comes within 3 s. */
export function request(socket: Client, event: string, ...args: unknown[]): Promise<any> {
  return (socket.timeout(3000) as any).emitWithAck(event, ...args);
}

/** Resolves with the next `event` the socket receives, or rejects after `ms`. */
export function next<T = any>(socket: Client, event: string, ms = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      (socket as any).off(event, on);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const on = (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    };
    (socket as any).once(event, on);
  });
}

/** Collects every `event` the socket receives from now on. */
export function collect<T = any>(socket: Client, event: string): T[] {
  const seen: T[] = [];
  (socket as any).on(event, (payload: T) => seen.push(payload));
  return seen;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let counter = 0;
/** A clientMsgId that is valid and unique within the run. */
export function msgId(): string {
  return `test-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A client that has joined `room`, with the join ack. */
export async function joined(t: TestContext, url: string, room: string, auth: HandshakeAuth = {}) {
  const socket = await connect(t, url, auth);
  const ack = await request(socket, 'join', { room });
  if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
  return { socket, ack };
}

/** A port nothing listens on right now, for relays started as processes with --port. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * The relay's side of a WebSocket member's TCP connection: the name of each
 * write call it makes into libuv from now on, in order.
 */
export function writeCalls(relay: Relay, socketId: string): string[] {
  const calls: string[] = [];
  watchWrites(relay, socketId, (name) => calls.push(name));
  return calls;
}

/** The buffers the relay writes to a WebSocket member's TCP connection from now on. */
export function writtenBuffers(relay: Relay, socketId: string): Buffer[] {
  const buffers: Buffer[] = [];
  watchWrites(relay, socketId, (name, args) => {
    if (name === 'writeBuffer') buffers.push(args[1] as Buffer);
  });
  return buffers;
}

function watchWrites(relay: Relay, socketId: string, seen: (name: string, args: unknown[]) => void): void {
  const conn = relay.app.sockets.io.of('/').sockets.get(socketId)!.conn as unknown as {
    transport: { socket: { _socket: { _handle: Record<string, unknown> } } };
  };
  const handle = conn.transport.socket._socket._handle;
  for (const name of ['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String', 'writeAsciiString', 'writeUcs2String']) {
    const write = handle[name] as (...args: unknown[]) => unknown;
    handle[name] = function (this: unknown, ...args: unknown[]) {
      seen(name, args);
      return write.apply(this, args);
    };
  }
}

/**
 * Sends `burst 1` … `burst 5` into `room` as one TCP segment (the sender's
 * WebSocket corked while they are written), so the relay reads them at once;
 * answers their acks, each checked ok.
 */
export async function sendBurst(sender: { socket: Client }, room: string): Promise<void> {
  const tcp = (sender.socket.io.engine.transport as unknown as { ws: { _socket: { cork(): void; uncork(): void } } }).ws._socket;
  tcp.cork();
  const acks = [1, 2, 3, 4, 5].map((i) => request(sender.socket, 'send', { room, text: `burst ${i}`, clientMsgId: msgId() }));
  await new Promise((resolve) => setImmediate(resolve));
  tcp.uncork();
  assert.ok((await Promise.all(acks)).every((ack) => ack.ok));
}
