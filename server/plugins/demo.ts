import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { staticFiles, type StaticFile } from '../http/static-files.js';

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

/** Unversioned URLs: always revalidated (a 304 when unchanged), so an upgraded relay's demo is whole at once. */
function headers(reply: FastifyReply): void {
  reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff');
}

const described = (file: string, summary: string) => ({
  summary,
  tags: ['widget'],
  response: { 200: { description: `${file}, revalidated by its ETag.` }, 304: { description: 'Not modified (`If-None-Match`).' } },
});

/**
 * The demo's files, a fixed list: the page and what it loads. Nothing else in
 * the folder is reachable, whatever the URL says.
 */
const FILES: StaticFile[] = [
  {
    url: '/',
    file: 'index.html',
    type: 'text/html; charset=utf-8',
    headers: (reply: FastifyReply, request: FastifyRequest) => {
      headers(reply);
      reply.header('content-security-policy', contentSecurityPolicy(request.host)).header('referrer-policy', 'strict-origin-when-cross-origin');
    },
  },
  { url: '/demo.css', file: 'demo.css', type: 'text/css; charset=utf-8', headers, schema: described('demo.css', "The demo page's stylesheet") },
  { url: '/demo.js', file: 'demo.js', type: 'text/javascript; charset=utf-8', headers, schema: described('demo.js', "The demo page's script") },
];

/** GET / (the demo page), /demo.css and /demo.js, from config.demoDir. */
export default fp(
  async (app) => {
    await app.register(staticFiles(app.config.demoDir, FILES));
  },
  { name: 'demo', dependencies: ['config'] },
);
