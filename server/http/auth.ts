import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Checks `Authorization: Bearer <ADMIN_API_KEY>`, compared in constant time
 * (the scheme is case-insensitive, RFC 9110). Without a key every admin
 * route answers 401.
 */
export function adminGuard(adminApiKey: string | undefined): (request: FastifyRequest) => Promise<void> {
  const key = adminApiKey ? digest(adminApiKey) : undefined;
  return async (request) => {
    if (!key) throw new HttpError('unauthorized', 'the admin API is disabled: ADMIN_API_KEY is not set');
    const match = /^Bearer +(.+)$/i.exec(request.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), key)) {
      throw new HttpError('unauthorized', 'missing or wrong Authorization: Bearer key');
    }
  };
}
