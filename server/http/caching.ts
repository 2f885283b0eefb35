import Negotiator from 'negotiator';
import type { FastifyRequest } from 'fastify';

/**
 * Whether an `If-None-Match` header names this ETag (RFC 9110 §13.1.2): a
 * list of tags or `*`, compared weakly (`W/"x"` matches `"x"`), as caches and
 * browsers send them.
 */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

export type Encoding = 'br' | 'gzip' | 'identity';
const ENCODINGS: Encoding[] = ['br', 'gzip', 'identity'];

/**
 * The encoding to send, from `Accept-Encoding` with its q-values (`br;q=0`
 * refuses brotli, `identity;q=0` refuses plain bytes): brotli, then gzip,
 * where the client likes them equally. Undefined: nothing it accepts (406).
 */
export function negotiateEncoding(request: FastifyRequest): Encoding | undefined {
  // No header: the client said nothing of encodings; plain bytes are safest.
  if (request.headers['accept-encoding'] === undefined) return 'identity';
  // negotiator's own types predate the `preferred` option of its 1.x.
  const negotiator = new Negotiator(request.raw) as unknown as {
    encodings(available: string[], options: { preferred: string[] }): string[];
  };
  return negotiator.encodings(ENCODINGS, { preferred: ENCODINGS })[0] as Encoding | undefined;
}
