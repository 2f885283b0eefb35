import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

interface Asset {
  type: string;
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

function load(path: string, type: string): Asset {
  let identity: Buffer;
  try {
    identity = readFileSync(path);
  } catch {
    throw new Error(`the widget is not built (${path} is missing): run "npm run build"`);
  }
  return {
    type,
    etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 16)}"`,
    identity,
    // Compressed once at start, at the highest levels, rather than per request.
    gzip: gzipSync(identity, { level: 9 }),
    br: brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
  };
}

function serve(asset: Asset) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    reply
      .header('content-type', asset.type)
      .header('etag', asset.etag)
      // The URL is not versioned, so caches revalidate after five minutes: an
      // upgraded relay reaches every page within that, usually as a 304.
      .header('cache-control', 'public, max-age=300, stale-while-revalidate=86400')
      .header('vary', 'accept-encoding')
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    const accepts = String(request.headers['accept-encoding'] ?? '');
    if (/\bbr\b/.test(accepts)) return reply.header('content-encoding', 'br').send(asset.br);
    if (/\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(asset.gzip);
    return reply.send(asset.identity);
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
