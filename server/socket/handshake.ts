import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import proxyaddr from 'proxy-addr';
import type { Member } from '../../protocol/index.js';
import { addressKey } from '../chat/address.js';
import type { IdentityResult } from '../chat/identity.js';
import type { Metrics } from '../chat/metrics.js';
import type { Config } from '../config.js';
import type { ChatServer } from './types.js';

/**
 * Whether a browser page of `origin` may open a connection. No Origin header
 * means no cross-site browser page (a same-origin polling request, a bot, a
 * server); the relay's own origin (its demo page) is always allowed.
 */
export function originAllowed(allowed: Config['allowedOrigins'], origin: string | undefined, host?: string): boolean {
  if (allowed === '*' || origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The client's address: the socket's, or from X-Forwarded-For through the proxies TRUST_PROXY names. */
export function addressResolver(trust: Config['trustProxy']): (request: IncomingMessage) => string {
  if (trust === false) return (request) => request.socket.remoteAddress ?? 'unknown';
  const trusted =
    trust === true ? () => true : typeof trust === 'number' ? (_: string, hop: number) => hop < trust : proxyaddr.compile(trust);
  return (request) => proxyaddr(request, trusted);
}

/** Open connections per client address, for MAX_CONNECTIONS_PER_IP. */
export class ConnectionCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts one more connection from `address`; false (and not counted) when it is at the cap. */
  tryAdd(address: string): boolean {
    const count = this.counts.get(address) ?? 0;
    if (this.max > 0 && count >= this.max) return false;
    this.counts.set(address, count + 1);
    return true;
  }

  /** Whether `address` is at the cap (never with the cap disabled). */
  isFull(address: string): boolean {
    return this.max > 0 && (this.counts.get(address) ?? 0) >= this.max;
  }

  remove(address: string): void {
    const count = (this.counts.get(address) ?? 1) - 1;
    if (count > 0) this.counts.set(address, count);
    else this.counts.delete(address);
  }
}

export interface HandshakeOptions {
  config: Pick<Config, 'allowedOrigins' | 'trustProxy' | 'maxConnectionsPerIp'>;
  metrics: Metrics;
  log: FastifyBaseLogger;
  /** Who a visitor or member is, from the handshake's `auth` (chat/identity.ts). */
  identify(auth: unknown): Promise<IdentityResult>;
  /** The console's own connection: who a ticket of a console session is, and that session's id; undefined when refused. */
  consoleTicket(ticket: unknown): Promise<{ member: Member; session: string } | undefined>;
}

/**
 * The checks a connection passes before its session opens: its origin, its
 * identity, and how many connections its address holds.
 *
 * Engine.IO connections that have not opened a Socket.IO session (yet) are
 * counted apart from sessions: without this, connections that never send
 * the Socket.IO CONNECT escaped MAX_CONNECTIONS_PER_IP altogether (found by
 * test/server/reliability/floods.test.ts). Past the cap they are refused at the HTTP
 * handshake (403 on polling, 400 on WebSocket, with too_many_connections in
 * the body, which client libraries do not show): a client library sends
 * CONNECT at once, so only a flood gets there. Counted apart, a client merely
 * at the cap reaches the session check and its `too_many_connections`, as
 * the contract says; an address may thus hold the cap in sessions and, for
 * at most `connectTimeout`, the cap again in connections without one.
 */
export class Handshake {
  readonly addressOf: (request: IncomingMessage) => string;
  private readonly unopened: ConnectionCounter;
  private readonly unopenedAddress = new WeakMap<object, string>();
  /** Sessions, by the address they are counted under until their Engine.IO connection closes. */
  private readonly perAddress: ConnectionCounter;
  private readonly sessionAddress = new WeakMap<object, string>();

  constructor(private readonly options: HandshakeOptions) {
    this.addressOf = addressResolver(options.config.trustProxy);
    this.unopened = new ConnectionCounter(options.config.maxConnectionsPerIp);
    this.perAddress = new ConnectionCounter(options.config.maxConnectionsPerIp);
  }

  /** Socket.IO's `allowRequest`: an address at the cap in unopened connections opens no more. */
  readonly allowRequest = (request: IncomingMessage, callback: (error: string | null | undefined, allowed: boolean) => void) => {
    if (this.unopened.isFull(this.addressOf(request))) callback('too_many_connections', false);
    else callback(null, true);
  };

  /** Counts every Engine.IO connection and checks every Socket.IO session of `io`. */
  install(io: ChatServer): void {
    const { config, metrics, log, identify, consoleTicket } = this.options;
    const { addressOf, unopened, unopenedAddress, perAddress, sessionAddress } = this;
    // Per connection, the same listener (given the connection as `this`)
    // rather than a closure of each one's own: a relay holds tens of
    // thousands of idle connections, and each closure kept its scope alive.
    function connectionClosed(this: object) {
      const unopenedAt = unopenedAddress.get(this);
      if (unopenedAt !== undefined) unopened.remove(unopenedAt);
      const sessionAt = sessionAddress.get(this);
      if (sessionAt !== undefined) perAddress.remove(sessionAt);
      unopenedAddress.delete(this);
      sessionAddress.delete(this);
    }
    io.engine.on('connection', (conn: { request: IncomingMessage; close(): void; on(event: 'close', listener: () => void): void }) => {
      const address = addressOf(conn.request);
      if (!unopened.tryAdd(address)) return conn.close();
      unopenedAddress.set(conn, address);
      conn.on('close', connectionClosed);
    });

    io.use((socket, next) => {
      const refuse = (code: string) => {
        metrics.errors.inc({ code });
        log.info({ address, origin, code }, 'handshake refused');
        next(new Error(code));
        // Then close the Engine.IO connection too (once the refusal is
        // flushed), rather than hold it open for a client we turned away.
        setImmediate(() => socket.conn.close());
      };
      const { origin, host } = socket.handshake.headers;
      const address = addressOf(socket.request);
      if (!originAllowed(config.allowedOrigins, origin, host)) return refuse('origin_not_allowed');
      const ticket = (socket.handshake.auth as { console?: unknown } | undefined)?.console;
      const identified: Promise<IdentityResult | { member: Member; session: string }> =
        ticket === undefined
          ? identify(socket.handshake.auth)
          : consoleTicket(ticket).then((session) => session ?? { refuse: 'unauthorized' as const });
      identified.then((identity) => {
        if ('refuse' in identity) return refuse(identity.refuse);
        // Gone while its token was checked: counting it now would never be undone.
        if (socket.conn.readyState !== 'open') return next(new Error('closed'));
        if (!perAddress.tryAdd(address)) return refuse('too_many_connections');
        // Counted until the underlying connection closes (connectionClosed),
        // which it does even when the client leaves before its session opens.
        sessionAddress.set(socket.conn, address);
        // Now counted as a session, no longer as an unopened connection.
        if (unopenedAddress.delete(socket.conn)) unopened.remove(address);
        socket.data.member = identity.member;
        if ('rooms' in identity && identity.rooms) socket.data.rooms = identity.rooms;
        if ('session' in identity) socket.data.consoleSession = identity.session;
        const key = addressKey(address);
        if (key) socket.data.address = key;
        next();
      }, next);
    });
  }
}
