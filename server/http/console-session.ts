import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cleanName } from '../chat/identity.js';
import type { Actor } from '../chat/moderation.js';
import type { Revocations } from './revocations.js';

/** How long a console session lasts: a working day, then sign in again. */
export const SESSION_MS = 12 * 60 * 60 * 1000;
/** How long a socket ticket may wait to be used: the console connects at once. */
export const TICKET_MS = 60 * 1000;

/** The cookie: `__Host-` over TLS (the browser then insists on Secure, Path=/ and no Domain). */
const COOKIE = 'live-chat-console';
const SECURE_COOKIE = `__Host-${COOKIE}`;

/** What a session token carries: a random id (for sign-out), its end, and who signed in, if they said. */
export interface Session {
  id: string;
  exp: number;
  name?: string;
  /** A socket ticket's own id, by which it is used once. */
  ticket?: string;
}

/**
 * The console's sessions: stateless tokens `<payload>.<HMAC-SHA256>`, keyed
 * with a key derived from ADMIN_API_KEY by HKDF, so every relay that has the
 * same key accepts a session any of them made, with nothing shared but the
 * revocation list. Changing ADMIN_API_KEY ends every session.
 */
export class ConsoleSessions {
  private readonly key: Buffer;
  /** Another key for socket tickets, so that a ticket is never taken for a session nor the reverse. */
  private readonly ticketKey: Buffer;

  constructor(
    adminApiKey: string,
    private readonly revocations: Revocations,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', adminApiKey, 'live-chat console', 'session v1', 32));
    this.ticketKey = Buffer.from(hkdfSync('sha256', adminApiKey, 'live-chat console', 'socket ticket v1', 32));
  }

  /** A new session's token, and the session it carries. */
  issue(name?: string, now = Date.now()): { token: string; session: Session } {
    const session: Session = { id: randomBytes(16).toString('base64url'), exp: now + SESSION_MS };
    if (name) session.name = name;
    return { token: seal(this.key, session), session };
  }

  /** The session a token carries when its signature holds, it has not expired and was not signed out; else undefined. */
  async verify(token: string | undefined): Promise<Session | undefined> {
    const session = open(this.key, token);
    if (!session || (await this.revocations.revoked(session.id))) return undefined;
    return session;
  }

  /**
   * A ticket for the console's Socket.IO connection (handshake `auth: {
   * console }`): good for one connection within TICKET_MS, and only while
   * its session is. The page fetches it with its cookie, same origin;
   * another site can neither send that request with the cookie nor read the
   * answer, and a copy of a used ticket opens nothing.
   */
  ticket(session: Session, now = Date.now()): string {
    return seal(this.ticketKey, { ...session, exp: Math.min(session.exp, now + TICKET_MS), ticket: randomBytes(16).toString('base64url') });
  }

  /** The session behind a socket ticket, when the ticket is good, not used before, and the session not signed out. */
  async verifyTicket(ticket: unknown): Promise<Session | undefined> {
    const session = open(this.ticketKey, typeof ticket === 'string' ? ticket : undefined);
    if (!session?.ticket || (await this.revocations.revoked(session.id))) return undefined;
    if (!(await this.revocations.useOnce(`ticket:${session.ticket}`, session.exp))) return undefined;
    const { ticket: _used, ...rest } = session;
    return rest;
  }

  /** Signs a session out everywhere (until it would have expired). */
  revoke(session: Session): Promise<void> {
    return this.revocations.revoke(session.id, session.exp);
  }

  /**
   * The session of a request's cookie, if valid. Every session cookie is
   * tried, not only the first: another page of the host can plant one on a
   * narrower path, which the browser sends first, and taking only that one
   * locked the console out.
   */
  async fromRequest(request: FastifyRequest): Promise<Session | undefined> {
    for (const token of sessionTokens(request).slice(0, MAX_COOKIES_TRIED)) {
      const session = await this.verify(token);
      if (session) return session;
    }
    return undefined;
  }
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

/** `<base64url JSON>.<base64url HMAC-SHA256>`. */
function seal(key: Buffer, session: Session): string {
  const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
  return `${payload}.${sign(key, payload)}`;
}

/** The session a sealed token carries, when its signature holds and it has not expired. */
function open(key: Buffer, token: string | undefined): Session | undefined {
  if (!token || token.length > 1024) return undefined;
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(sign(key, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let session: Session;
  try {
    session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Session;
  } catch {
    return undefined;
  }
  if (typeof session.id !== 'string' || typeof session.exp !== 'number' || session.exp <= Date.now()) return undefined;
  if (session.name !== undefined && typeof session.name !== 'string') return undefined;
  return session;
}

/** Who a console session acts as: the admin, named as they signed in ("admin" when they gave no name). */
export function sessionActor(session: Session): Actor {
  return { member: { id: 'admin', name: session.name ?? 'admin', verified: true, role: 'moderator' } };
}

/** A sign-in's optional name, cleaned as a display name; undefined when absent or invalid. */
export const sessionName = (raw: unknown) => (raw === undefined || raw === '' ? undefined : (cleanName(raw) ?? undefined));

/** Whether the request reached the relay over TLS (directly, or behind a proxy TRUST_PROXY trusts). */
export const overTls = (request: FastifyRequest) => request.protocol === 'https';

/** The cookie's attributes: HttpOnly, SameSite=Strict, Path=/, and Secure with the `__Host-` name over TLS. */
const attributes = (request: FastifyRequest) =>
  ({ name: overTls(request) ? SECURE_COOKIE : COOKIE, path: '/', httpOnly: true, sameSite: 'strict', secure: overTls(request) }) as const;

/** Sets the cookie that carries a session (by @fastify/cookie), until the session ends. */
export function setSessionCookie(reply: FastifyReply, token: string, session: Session): FastifyReply {
  const { name, ...options } = attributes(reply.request);
  return reply.setCookie(name, token, { ...options, maxAge: Math.max(0, Math.ceil((session.exp - Date.now()) / 1000)) });
}

/** Clears the session cookie. */
export function clearSessionCookie(reply: FastifyReply): FastifyReply {
  const { name, ...options } = attributes(reply.request);
  return reply.clearCookie(name, options);
}

/** The relay's own origin as the browser sees it (scheme and host, through TRUST_PROXY). */
export const ownOrigin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

/** Session cookies tried per request: a few planted ones cannot make each request check many. */
const MAX_COOKIES_TRIED = 4;

/**
 * The values of every session cookie of the request, the `__Host-` ones
 * first, each in the order the browser sent it. @fastify/cookie's parse
 * keeps one value per name (the first), so each pair of the header is
 * parsed on its own, by the same parser.
 */
function sessionTokens(request: FastifyRequest): string[] {
  const secure: string[] = [];
  const plain: string[] = [];
  for (const pair of request.headers.cookie?.split(';') ?? []) {
    const cookie = request.server.parseCookie(pair);
    if (cookie[SECURE_COOKIE] !== undefined) secure.push(cookie[SECURE_COOKIE]);
    if (cookie[COOKIE] !== undefined) plain.push(cookie[COOKIE]);
  }
  return [...secure, ...plain];
}
