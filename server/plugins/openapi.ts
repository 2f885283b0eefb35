import swagger from '@fastify/swagger';
import fp from 'fastify-plugin';
import { packageVersion } from '../paths.js';

type Doc = { summary: string; description?: string; tags: string[]; response: Record<string, unknown> };

const text = (description: string, type: string) => ({ description, content: { [type]: { schema: { type: 'string' } } } });

/**
 * What the document says of the routes that have no schema of their own
 * (demo.ts, health.ts, widget.ts, metrics.ts): described here so those plugins stay
 * as they are; the OpenAPI test fails when a route is left undescribed.
 */
const DOCS: Record<string, Doc> = {
  '/': {
    summary: 'The demo page',
    tags: ['widget'],
    response: { 200: text('The demo page: the chat live, and the embed snippet for this relay.', 'text/html') },
  },
  '/live-chat.js': {
    summary: 'The widget script',
    description:
      'One classic script with Lit and a Socket.IO client inside, loadable from any origin (`Access-Control-Allow-Origin: *`); ' +
      'brotli or gzip as the client accepts, with an ETag, cached 5 minutes then revalidated.',
    tags: ['widget'],
    response: { 200: text('The script.', 'text/javascript'), 304: { description: 'Not modified (`If-None-Match`).' } },
  },
  '/live-chat.js.map': {
    summary: "The widget script's source map",
    tags: ['widget'],
    response: { 200: text('The source map.', 'application/json'), 304: { description: 'Not modified (`If-None-Match`).' } },
  },
  '/live-chat-moderator.js': {
    summary: "The widget's moderator tools",
    description:
      'Loaded by the widget, from the same relay, only when a moderator signs in: the ban form, pinning, the room ' +
      'settings panel, report notices and the ban list. Served like `/live-chat.js`.',
    tags: ['widget'],
    response: { 200: text('The script.', 'text/javascript'), 304: { description: 'Not modified (`If-None-Match`).' } },
  },
  '/live-chat-moderator.js.map': {
    summary: "The moderator tools' source map",
    tags: ['widget'],
    response: { 200: text('The source map.', 'application/json'), 304: { description: 'Not modified (`If-None-Match`).' } },
  },
  '/live-chat-fr.js': {
    summary: "The widget's French",
    description:
      'Loaded by the widget, from the same relay, only on pages in French (each language but English is a ' +
      'script of its own, `/live-chat-<lang>.js`): its strings. Served like `/live-chat.js`.',
    tags: ['widget'],
    response: { 200: text('The script.', 'text/javascript'), 304: { description: 'Not modified (`If-None-Match`).' } },
  },
  '/live-chat-fr.js.map': {
    summary: "The French script's source map",
    tags: ['widget'],
    response: { 200: text('The source map.', 'application/json'), 304: { description: 'Not modified (`If-None-Match`).' } },
  },
  '/console': {
    summary: 'The moderation console',
    description:
      'A page that signs in with ADMIN_API_KEY (POST /console/session) and moderates every room live. ' +
      "Served with a strict Content-Security-Policy (its own script and stylesheet only, `frame-ancestors 'none'`).",
    tags: ['console'],
    response: { 200: text('The page.', 'text/html') },
  },
  ...Object.fromEntries(
    [
      ['/console/console.js', "The console's script", 'text/javascript'],
      ['/console/console.js.map', "The console script's source map", 'application/json'],
      ['/console/console.css', "The console's stylesheet", 'text/css'],
    ].map(([path, summary, type]) => [
      path!,
      {
        summary: summary!,
        tags: ['console'],
        response: {
          200: text('The file.', type!),
          304: { description: 'Not modified (`If-None-Match`).' },
          404: { description: 'The console is not built (`npm run build`).' },
        },
      },
    ]),
  ),
  '/healthz': {
    summary: 'Liveness',
    tags: ['operations'],
    response: {
      200: {
        description: 'The process runs.',
        content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } } },
      },
    },
  },
  '/readyz': {
    summary: 'Readiness',
    description: 'Whether the database (and Redis, when REDIS_URL is set) answer within a second.',
    tags: ['operations'],
    response: Object.fromEntries(
      [
        [200, 'Ready.'],
        [503, 'The check that is `down` says which.'],
      ].map(([status, description]) => [
        status,
        {
          description,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  status: { type: 'string', enum: ['ready', 'unavailable'] },
                  storage: { type: 'string', enum: ['ok', 'down'] },
                  redis: { type: 'string', enum: ['ok', 'down'] },
                },
              },
            },
          },
        },
      ]),
    ),
  },
  '/metrics': {
    summary: 'Prometheus metrics',
    tags: ['operations'],
    response: { 200: text('Prometheus text exposition format.', 'text/plain') },
  },
  '/openapi.json': {
    summary: 'This document',
    tags: ['operations'],
    response: { 200: { description: 'The OpenAPI 3 description of these routes.', content: { 'application/json': { schema: { type: 'object' } } } } },
  },
};

/**
 * GET /openapi.json: the HTTP routes as an OpenAPI 3 document, built by
 * @fastify/swagger from the route schemas. Registered before the routes, so it
 * sees them all; public (no key), and built from memory, never the network.
 */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'live-chat relay',
          version: packageVersion,
          description:
            'The HTTP side of a live-chat relay. The chat itself is Socket.IO at /socket.io/ (see PROTOCOL.md). ' +
            'Errors answer `{ "error": { "code", "message" } }` with the socket events\' codes.',
        },
        tags: [
          { name: 'api', description: 'Read and post messages.' },
          { name: 'admin', description: 'Moderate rooms: settings, deletions, bans, reports, the audit log (what the console uses).' },
          { name: 'console', description: 'The moderation console: its page and its session.' },
          { name: 'widget', description: 'The widget and its demo.' },
          { name: 'operations', description: 'Health, readiness, metrics.' },
        ],
        components: {
          securitySchemes: {
            adminApiKey: {
              type: 'http',
              scheme: 'bearer',
              description: "The relay's ADMIN_API_KEY, as `Authorization: Bearer <ADMIN_API_KEY>`.",
            },
            consoleSession: {
              type: 'apiKey',
              in: 'cookie',
              name: 'live-chat-console',
              description:
                'The console\'s session (POST /console/session), `__Host-live-chat-console` over TLS. A request that changes ' +
                "something with it must carry the relay's own `Origin`.",
            },
          },
        },
      },
      // Shared schemas keep their names (components/schemas/Message), not def-0, def-1 ….
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
      transform: ({ schema, url }) => ({ schema: { ...schema, ...DOCS[url] }, url }),
    });
    app.get('/openapi.json', async () => app.swagger());
  },
  { name: 'openapi', dependencies: ['config'] },
);
