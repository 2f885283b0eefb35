import assert from 'node:assert/strict';
import { connect as tcpConnect, type Socket as TcpSocket } from 'node:net';
import type { TestContext } from 'node:test';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { HandshakeAuth } from '../../protocol/index.js';
import { msgId, next, request, type Client } from './helpers.js';

/**
 * Tools for the attack suites: raw Engine.IO/Socket.IO sessions over a real
 * WebSocket (`ws`) and over HTTP long-polling (`fetch`), raw TCP for what no
 * client library will send, and a control pair of real socket.io-client
 * clients whose chatting proves the relay still serves everyone else.
 */

/** A real socket.io-client that can claim an address (X-Forwarded-For, behind TRUST_PROXY) and an Origin. */
export function client(
  t: TestContext,
  url: string,
  options: { auth?: HandshakeAuth; forwardedFor?: string; origin?: string; transport?: 'websocket' | 'polling' } = {},
): Promise<Client> {
  const extraHeaders: Record<string, string> = {};
  if (options.forwardedFor) extraHeaders['x-forwarded-for'] = options.forwardedFor;
  if (options.origin) extraHeaders.origin = options.origin;
  const socket: Client = io(url, {
    auth: options.auth ?? { name: 'someone' },
    transports: [options.transport ?? 'websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders,
  });
  t.after(() => void socket.disconnect());
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
    // A transport cut before the CONNECT is answered (a packet over the limit) ends here.
    socket.once('disconnect', (reason) => reject(new Error(reason)));
  });
}

export interface ControlPair {
  alice: Client;
  bob: Client;
  /** One message each way, acked and delivered: the relay still serves its members. */
  chat(label: string): Promise<void>;
  /** How many round trips succeeded. */
  readonly rounds: number;
}

/** Two real clients in one room, chatting on demand. */
export async function controlPair(
  t: TestContext,
  url: string,
  options: { forwardedFor?: string; transport?: 'websocket' | 'polling' } = {},
): Promise<ControlPair> {
  const room = 'control';
  const alice = await client(t, url, { auth: { name: 'alice', clientId: 'control-alice' }, ...options });
  const bob = await client(t, url, { auth: { name: 'bob', clientId: 'control-bob' }, ...options });
  for (const socket of [alice, bob]) assert.equal((await request(socket, 'join', { room })).ok, true);
  let rounds = 0;
  const oneWay = async (from: Client, to: Client, text: string) => {
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`control message "${text}" never arrived`)), 5000);
      const on = (message: { text: string }) => {
        if (message.text !== text) return;
        clearTimeout(timer);
        to.off('message', on);
        resolve();
      };
      to.on('message', on);
    });
    const ack = await request(from, 'send', { room, text, clientMsgId: msgId() });
    assert.equal(ack.ok, true, `control send "${text}": ${JSON.stringify(ack)}`);
    await arrived;
  };
  return {
    alice,
    bob,
    async chat(label) {
      assert.ok(alice.connected && bob.connected, `the control pair was disconnected (${label})`);
      await oneWay(alice, bob, `alice: ${label}`);
      await oneWay(bob, alice, `bob: ${label}`);
      rounds++;
    },
    get rounds() {
      return rounds;
    },
  };
}

const socketIoPath = '/socket.io/?EIO=4';

export interface Closed {
  code: number;
  reason: string;
}

/** A raw Engine.IO v4 session over a WebSocket: every frame it receives, and how it closed. */
export class RawSocket {
  readonly received: (string | Buffer)[] = [];
  readonly closed: Promise<Closed>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      this.received.push(isBinary ? (data as Buffer) : data.toString());
      for (const wake of this.waiters.splice(0)) wake();
    });
    // An attack is expected to end in errors on our side of the socket too.
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    void this.closed.then(() => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Opens the WebSocket transport and waits for Engine.IO's open packet. */
  static async open(url: string, options: { query?: string; headers?: Record<string, string> } = {}): Promise<RawSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${socketIoPath}&transport=websocket${options.query ?? ''}`, {
      headers: options.headers,
    });
    const raw = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    const open = await raw.next();
    assert.match(String(open), /^0\{"sid":/);
    return raw;
  }

  /** Opens a Socket.IO session (namespace `/`) with `auth`, as a client library would. */
  static async member(url: string, auth: HandshakeAuth = { name: 'raw' }, headers?: Record<string, string>): Promise<RawSocket> {
    const raw = await RawSocket.open(url, { headers });
    raw.send(`40${JSON.stringify(auth)}`);
    const connected = String(await raw.next());
    assert.match(connected, /^40\{"sid":/, connected);
    return raw;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(data: string | Buffer, binary = typeof data !== 'string'): void {
    if (this.open) this.ws.send(data, { binary });
  }

  /** Writes bytes straight to the TCP socket under the WebSocket: frames no client would build. */
  writeRaw(bytes: Buffer): void {
    const socket = (this.ws as unknown as { _socket?: TcpSocket })._socket;
    if (socket && !socket.destroyed) socket.write(bytes);
  }

  /** The next frame that matches, or undefined when the socket closes or `ms` pass first. */
  async next(match: (frame: string | Buffer) => boolean = () => true, ms = 3000): Promise<string | Buffer | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      // From the start each time: other waiters take frames out meanwhile,
      // which moves the rest (a kept index skipped a frame, and its waiter
      // timed out with its answer in the list: seen in the pipelining test).
      for (let i = 0; i < this.received.length; i++) {
        const frame = this.received[i]!;
        if (match(frame)) {
          this.received.splice(i, 1);
          return frame;
        }
      }
      if (this.ws.readyState === WebSocket.CLOSED || Date.now() >= deadline) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the relay closes the socket (or `ms` pass: undefined). */
  async closedWithin(ms = 3000): Promise<Closed | undefined> {
    return Promise.race([this.closed, new Promise<undefined>((resolve) => setTimeout(resolve, ms))]);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** A masked client frame, built by hand (RFC 6455 §5.2), with any header bits. */
export function frame(firstByte: number, payload: Buffer, options: { masked?: boolean; length?: bigint } = {}): Buffer {
  const masked = options.masked ?? true;
  const length = options.length ?? BigInt(payload.length);
  const header: number[] = [firstByte];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126n) header.push(maskBit | Number(length));
  else if (length < 65536n) header.push(maskBit | 126, Number(length >> 8n) & 0xff, Number(length) & 0xff);
  else {
    header.push(maskBit | 127);
    for (let shift = 56n; shift >= 0n; shift -= 8n) header.push(Number((length >> shift) & 0xffn));
  }
  // A zero mask leaves the payload as is, which keeps the frames readable.
  if (masked) header.push(0, 0, 0, 0);
  return Buffer.concat([Buffer.from(header), payload]);
}

/** A raw Engine.IO v4 session over HTTP long-polling. */
export class PollingSession {
  private constructor(
    readonly url: string,
    readonly sid: string,
  ) {}

  static async open(url: string): Promise<PollingSession> {
    const response = await fetch(`${url}${socketIoPath}&transport=polling`);
    const body = await response.text();
    assert.equal(response.status, 200, body);
    const sid = JSON.parse(body.slice(1)).sid as string;
    return new PollingSession(url, sid);
  }

  /** Opens the Socket.IO session and reads its CONNECT answer. */
  static async member(url: string, auth: HandshakeAuth = { name: 'raw-polling' }): Promise<PollingSession> {
    const session = await PollingSession.open(url);
    assert.equal((await session.post(`40${JSON.stringify(auth)}`)).status, 200);
    const answer = await session.poll();
    assert.match(answer.body, /^40\{"sid":/, answer.body);
    return session;
  }

  get endpoint(): string {
    return `${this.url}${socketIoPath}&transport=polling&sid=${encodeURIComponent(this.sid)}`;
  }

  async post(body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      body: typeof body === 'string' ? body : new Uint8Array(body),
      headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
    });
    return { status: response.status, body: await response.text() };
  }

  /** One long-poll GET (the relay answers at once when it has packets, else after pingInterval). */
  async poll(): Promise<{ status: number; body: string }> {
    const response = await fetch(this.endpoint);
    return { status: response.status, body: await response.text() };
  }
}

/** Sends raw bytes over TCP and collects whatever comes back until the relay closes or `ms` pass. */
export async function rawTcp(
  url: string,
  chunks: (Buffer | string)[],
  options: { ms?: number; reset?: boolean } = {},
): Promise<string> {
  const { port, hostname } = new URL(url);
  const socket = tcpConnect(Number(port), hostname);
  socket.on('error', () => {});
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  for (const chunk of chunks) socket.write(chunk);
  if (options.reset) {
    // A TCP RST right after the request, as in CVE-2022-41940.
    socket.resetAndDestroy();
    return answer;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.ms ?? 2000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  socket.destroy();
  return answer;
}

/** The ack of a raw `42`-style event with ack id `id`, parsed, or undefined. */
export async function rawAck(raw: RawSocket, id: number, ms = 3000): Promise<any> {
  const prefix = `43${id}[`;
  const frame = await raw.next((f) => typeof f === 'string' && f.startsWith(prefix), ms);
  return frame === undefined ? undefined : JSON.parse(String(frame).slice(prefix.length - 1))[0];
}

export { next };
