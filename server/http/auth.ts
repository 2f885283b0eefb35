import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ClientError } from '../chat/errors.js';
import { ADMIN, type Actor } from '../chat/moderation.js';
import { ownOrigin, sessionActor, type ConsoleSessions } from './console-session.js';
import { HttpError } from './errors.js';
import type { WrongKeys } from './wrong-keys.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Whether `given` is the admin key, compared in constant time. */
export function isAdminKey(adminApiKey: string | undefined, given: string): boolean {
  return adminApiKey !== undefined && timingSafeEqual(digest(given), digest(adminApiKey));
}

const actors = new WeakMap<FastifyRequest, Actor>();

/** Who an admin request acts as, once `adminGuard` let it through: "admin", or the console user. */
export function adminActor(request: FastifyRequest): Actor {
  return actors.get(request) ?? ADMIN;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Lets an admin request through: `Authorization: Bearer <ADMIN_API_KEY>`,
 * compared in constant time (the scheme is case-insensitive, RFC 9110); or,
 * without that header, the console's session cookie. A request that changes
 * something on the strength of the cookie must come from the relay's own
 * origin (its `Origin` header), on top of the cookie's SameSite=Strict: so
 * no other site can make a signed-in browser act (CSRF). Without a key every
 * admin route answers 401. A Bearer key given is counted by `wrongKeys`
 * when wrong (429 past the address's allowance, the right key too while
 * the address is held); a request without one costs nothing.
 */
export function adminGuard(
  adminApiKey: string | undefined,
  wrongKeys: WrongKeys,
  sessions?: () => ConsoleSessions | undefined,
): (request: FastifyRequest) => Promise<void> {
  const key = adminApiKey ? digest(adminApiKey) : undefined;
  return async (request) => {
    if (!key) throw new HttpError('unauthorized', 'the admin API is disabled: ADMIN_API_KEY is not set');
    const header = request.headers.authorization;
    if (header === undefined) {
      const session = await sessions?.()?.fromRequest(request);
      if (session) {
        if (!SAFE_METHODS.has(request.method) && request.headers.origin !== ownOrigin(request)) {
          throw new ClientError('forbidden', "a console request that changes something must come from the relay's own origin");
        }
        actors.set(request, sessionActor(session));
        return;
      }
    }
    const match = /^Bearer +(.+)$/i.exec(header ?? '');
    const right = match !== null && timingSafeEqual(digest(match[1]!), key);
    if (match) await wrongKeys.check(request, right);
    if (!right) throw new HttpError('unauthorized', 'missing or wrong Authorization: Bearer key, and no console session');
  };
}
