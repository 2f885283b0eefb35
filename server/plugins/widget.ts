import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { negotiateEncoding, notModified, type Encoding } from '../http/caching.js';

interface Asset {
  type: string;
  /** One representation per encoding, each with its own strong ETag (the bytes differ). */
  bodies: Record<Encoding, { body: Buffer; etag: string }>;
}

function load(path: string, type: string): Asset {
  let identity: Buffer;
  try {
    identity = readFileSync(path);
  } catch {
    throw new Error(`the widget is not built (${path} is missing): run "npm run build"`);
  }
  const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 16);
  return {
    type,
    // Compressed once at start, at the highest levels, rather than per request.
    bodies: {
      identity: { body: identity, etag: `"${hash}"` },
      gzip: { body: gzipSync(identity, { level: 9 }), etag: `"${hash}-gzip"` },
      br: { body: brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }), etag: `"${hash}-br"` },
    },
  };
}

function serve(asset: Asset) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    reply
      .header('content-type', asset.type)
      // The URL is not versioned, so caches revalidate after five minutes: an
      // upgraded relay reaches every page within that, usually as a 304.
      .header('cache-control', 'public, max-age=300, stale-while-revalidate=86400')
      .header('vary', 'accept-encoding')
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin');
    const encoding = negotiateEncoding(request);
    if (!encoding) {
      return reply
        .code(406)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify({ error: { code: 'invalid_payload', message: 'Accept-Encoding refuses br, gzip and identity' } }));
    }
    // A copy held in any encoding is still current: all three are the same script.
    const held = Object.values(asset.bodies).find(({ etag }) => notModified(request.headers['if-none-match'], etag));
    if (held) return reply.header('etag', held.etag).code(304).send();
    const { body, etag } = asset.bodies[encoding];
    reply.header('etag', etag);
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return reply.send(body);
  };
}

/**
 * GET /live-chat.js and its source map: the built widget, loadable from any
 * origin; and /live-chat-moderator.js, which the widget loads only when a
 * moderator signs in (so visitors never download moderators' tools).
 */
export default fp(
  async (app) => {
    const dir = app.config.widgetDir;
    for (const name of ['live-chat.js', 'live-chat-moderator.js']) {
      app.get(`/${name}`, serve(load(join(dir, name), 'text/javascript; charset=utf-8')));
      app.get(`/${name}.map`, serve(load(join(dir, `${name}.map`), 'application/json; charset=utf-8')));
    }
  },
  { name: 'widget', dependencies: ['config'] },
);
