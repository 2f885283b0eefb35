import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { notModified } from '../http/caching.js';

/**
 * The demo's files, a fixed list: the page and what it loads. Nothing else in
 * the folder is reachable, whatever the URL says.
 */
const FILES = [
  { url: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { url: '/demo.css', file: 'demo.css', type: 'text/css; charset=utf-8', summary: "The demo page's stylesheet" },
  { url: '/demo.js', file: 'demo.js', type: 'text/javascript; charset=utf-8', summary: "The demo page's script" },
] as const;

/** A host name with an optional port (`chat.example.com:8080`, `[::1]:3000`), nothing that could end a CSP directive. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The page's Content-Security-Policy: its own script and stylesheet only (no
 * inline code; the widget's styles are constructed stylesheets, which
 * style-src 'self' allows), connections to itself (Socket.IO's WebSocket
 * named explicitly, as older browsers do not count ws: as 'self'), avatars
 * from any https: address, and no framing by other sites.
 */
function contentSecurityPolicy(host: string | undefined): string {
  const sockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self'${sockets}`,
    "img-src 'self' https: data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** GET / (the demo page), /demo.css and /demo.js, read from config.demoDir at start. */
export default fp(
  async (app) => {
    for (const { url, file, type, ...doc } of FILES) {
      const body = readFileSync(join(app.config.demoDir, file));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
      const schema =
        'summary' in doc
          ? {
              summary: doc.summary,
              tags: ['widget'],
              response: { 200: { description: `${file}, revalidated by its ETag.` }, 304: { description: 'Not modified (`If-None-Match`).' } },
            }
          : undefined;
      app.get(url, { schema }, async (request: FastifyRequest, reply: FastifyReply) => {
        reply
          .header('content-type', type)
          .header('etag', etag)
          // Unversioned URLs: always revalidated (a 304 when unchanged), so an upgraded relay's demo is whole at once.
          .header('cache-control', 'no-cache')
          .header('x-content-type-options', 'nosniff');
        if (file === 'index.html') {
          reply.header('content-security-policy', contentSecurityPolicy(request.host)).header('referrer-policy', 'strict-origin-when-cross-origin');
        }
        if (notModified(request.headers['if-none-match'], etag)) return reply.code(304).send();
        return reply.send(body);
      });
    }
  },
  { name: 'demo', dependencies: ['config'] },
);
