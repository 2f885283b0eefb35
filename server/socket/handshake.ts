import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Config } from '../config.js';

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
