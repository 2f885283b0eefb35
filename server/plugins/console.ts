import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ClientError } from '../chat/errors.js';
import { isAdminKey } from '../http/auth.js';
import { clearSessionCookie, ownOrigin, sessionName, setSessionCookie, type Session } from '../http/console-session.js';
import { HttpError } from '../http/errors.js';
import { errorResponse } from '../http/schemas.js';
import { staticFiles } from '../http/static-files.js';
import { WRONG_KEYS } from '../http/wrong-keys.js';
import { root } from '../paths.js';
import { consoleRoom } from '../socket/types.js';

/**
 * The console's page: its script and stylesheet only, from the relay
 * itself; no inline script or style (Lit's constructed stylesheets are not
 * inline), Trusted Types for Lit's own policy, and no framing (clickjacking).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' https: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>live-chat console</title>
<link rel="stylesheet" href="/console/console.css">
<script src="/console/console.js" defer></script>
</head>
<body>
<live-chat-console></live-chat-console>
<noscript>The live-chat console needs JavaScript.</noscript>
</body>
</html>
`;

/** Headers of every console answer: the CSP, no sniffing, no referrer, no framing, never cached by a shared cache. */
function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin');
}

const sessionAnswer = {
  description: 'Signed in.',
  type: 'object',
  properties: {
    name: { type: 'string', description: 'Who signed in, as the audit log names them.' },
    expiresAt: { type: 'integer', description: 'When the session ends, ms since the epoch.' },
  },
  required: ['name', 'expiresAt'],
} as const;

/**
 * GET /console, its script and stylesheet, and its session: POST
 * /console/session signs in with ADMIN_API_KEY (wrong keys limited per address, with the API's)
 * and sets an HttpOnly, SameSite=Strict cookie; DELETE signs out (on every
 * relay, and closes the console's connections); POST /console/ticket gives
 * the page a one-minute ticket for its Socket.IO connection.
 */
export default fp(
  async (app) => {
    const { config } = app;
    const dist = join(root, 'dist', 'console');
    if (!existsSync(join(dist, 'console.js'))) app.log.warn({ dir: dist }, 'the console is not built: run "npm run build"');

    app.get('/console', async (_request, reply) =>
      secure(reply).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(PAGE),
    );
    // Revalidated every time (a 304 when unchanged), like the page's own unversioned URLs.
    const headers = (reply: FastifyReply) => void secure(reply).header('cache-control', 'no-cache');
    await app.register(
      staticFiles(dist, [
        { url: '/console/console.js', file: 'console.js', type: 'text/javascript; charset=utf-8', headers },
        { url: '/console/console.js.map', file: 'console.js.map', type: 'application/json; charset=utf-8', headers },
      ]),
    );
    await app.register(
      staticFiles(join(root, 'console'), [{ url: '/console/console.css', file: 'console.css', type: 'text/css; charset=utf-8', headers }]),
    );

    const sameOrigin = (request: FastifyRequest) => {
      if (request.headers.origin !== ownOrigin(request)) {
        throw new ClientError('forbidden', "the console's requests must come from the relay's own origin");
      }
    };
    const current = async (request: FastifyRequest): Promise<Session> => {
      const session = await app.consoleSessions?.fromRequest(request);
      if (!session) throw new HttpError('unauthorized', 'not signed in to the console');
      return session;
    };
    const answer = (session: Session) => ({ name: session.name ?? 'admin', expiresAt: session.exp });
    const errors = {
      401: errorResponse('`unauthorized`: not signed in (or the session ended).'),
      403: errorResponse("`forbidden`: the request's `Origin` is not the relay's."),
    };

    app.post<{ Body: { key: string; name?: string } }>(
      '/console/session',
      {
        schema: {
          summary: 'Sign in to the console',
          description:
            'With ADMIN_API_KEY in the body (never in a URL), from the relay\'s own origin. Sets an HttpOnly, SameSite=Strict cookie ' +
            `(Secure over TLS) for 12 hours. At most ${WRONG_KEYS.points} wrong keys per ${WRONG_KEYS.windowMs / 60_000} minutes per address, ` +
            'counted with those given to the admin API; past them every attempt from the address is refused (429, `Retry-After`), the right key too.',
          tags: ['console'],
          body: {
            type: 'object',
            properties: {
              key: { type: 'string', minLength: 1, maxLength: 512, description: 'ADMIN_API_KEY.' },
              name: { type: 'string', maxLength: 64, description: 'Who signs in, as the audit log will name them (default "admin").' },
            },
            required: ['key'],
            additionalProperties: false,
          },
          response: {
            200: sessionAnswer,
            400: errorResponse('`invalid_payload`.'),
            401: errorResponse('`unauthorized`: the key is wrong, or ADMIN_API_KEY is not set.'),
            403: errors[403],
            429: errorResponse('`rate_limited`, with `retryAfterMs` (and `Retry-After`): too many wrong keys from this address.'),
          },
        },
      },
      async (request, reply) => {
        sameOrigin(request);
        const sessions = app.consoleSessions;
        if (!sessions) throw new HttpError('unauthorized', 'the console is disabled: ADMIN_API_KEY is not set');
        const right = isAdminKey(config.adminApiKey, request.body.key);
        await app.wrongKeys.check(request, right);
        if (!right) {
          request.log.warn({ ip: request.ip }, 'console sign-in refused');
          throw new HttpError('unauthorized', 'wrong key');
        }
        const name = sessionName(request.body.name);
        if (request.body.name && !name) throw new ClientError('invalid_payload', 'name must be a display name of 1–32 characters');
        const { token, session } = sessions.issue(name);
        request.log.info({ ip: request.ip, name: session.name }, 'console signed in');
        return setSessionCookie(secure(reply), token, session).header('cache-control', 'no-store').send(answer(session));
      },
    );

    app.get(
      '/console/session',
      { schema: { summary: 'The console session', tags: ['console'], response: { 200: sessionAnswer, 401: errors[401] } } },
      async (request, reply) => secure(reply).header('cache-control', 'no-store').send(answer(await current(request))),
    );

    app.delete(
      '/console/session',
      {
        schema: {
          summary: 'Sign out of the console',
          description: 'Clears the cookie and revokes the session on every relay (Redis when configured); closes its connections.',
          tags: ['console'],
          response: { 204: { description: 'Signed out.', type: 'null' }, 403: errors[403] },
        },
      },
      async (request, reply) => {
        sameOrigin(request);
        const session = await app.consoleSessions?.fromRequest(request);
        if (session) {
          await app.consoleSessions!.revoke(session);
          app.sockets.io.in(consoleRoom(session.id)).disconnectSockets(true);
          request.log.info({ name: session.name }, 'console signed out');
        }
        return clearSessionCookie(secure(reply)).code(204).send();
      },
    );

    app.post(
      '/console/ticket',
      {
        schema: {
          summary: "A ticket for the console's Socket.IO connection",
          description: 'Good for a minute, once per connection: the console passes it as the handshake `auth: { console: ticket }`.',
          tags: ['console'],
          response: {
            200: { description: 'The ticket.', type: 'object', properties: { ticket: { type: 'string' } }, required: ['ticket'] },
            ...errors,
          },
        },
      },
      async (request, reply) => {
        sameOrigin(request);
        const session = await current(request);
        return secure(reply).header('cache-control', 'no-store').send({ ticket: app.consoleSessions!.ticket(session) });
      },
    );
  },
  { name: 'console', dependencies: ['config', 'redis', 'limits', 'socket', 'http-api', 'console-sessions'] },
);
