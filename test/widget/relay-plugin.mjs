import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { buildApp } from '../../dist/server/app.js';
import { loadConfig } from '../../dist/server/config.js';
import { demoDir, widgetDir } from '../../dist/server/paths.js';

export const JWT_SECRET = 'widget-tests-secret-at-least-32-chars';
export const ADMIN_API_KEY = 'widget-tests-admin-key';

/**
 * A web-test-runner plugin that runs real relays (the built ones, with real
 * SQLite files) for the widget tests, and gives the test pages what they need
 * at /__relay/…: the relays' URLs, signed tokens, a strict-CSP host page, and
 * a command that drops every connection (to test reconnects).
 */
export function relayPlugin() {
  const relays = {};
  let dir;
  async function start(name, overrides) {
    const config = {
      ...loadConfig({}, { widgetDir, demoDir }),
      databaseUrl: `sqlite:${join(dir, `${name}.db`)}`,
      jwtSecret: JWT_SECRET,
      adminApiKey: ADMIN_API_KEY,
      ...overrides,
    };
    const app = await buildApp(config, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    relays[name] = { app, url: `http://127.0.0.1:${app.server.address().port}` };
  }
  return {
    name: 'live-chat-relay',
    async serverStart() {
      dir = mkdtempSync(join(tmpdir(), 'live-chat-widget-test-'));
      await start('main', { rateLimit: { points: 50, windowMs: 10_000 } });
      // A relay with a tight rate limit, for the countdown.
      await start('strict', { rateLimit: { points: 3, windowMs: 3000 } });
      // A relay reached through a proxy that blocks WebSocket: its Engine.IO
      // server is told to refuse the websocket transport, so only polling works.
      await start('pollingOnly', {});
      relays.pollingOnly.app.sockets.io.engine.opts.transports = ['polling'];
      // A relay that admits one other origin only, not the test pages': a site
      // that did not list the page's origin (cross-site WebSocket hijacking).
      await start('closed', { allowedOrigins: ['https://allowed.example'] });
    },
    async serverStop() {
      for (const { app } of Object.values(relays)) await app.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    async serve(context) {
      const { path, query } = context;
      if (path === '/__relay/urls.json') {
        return { body: JSON.stringify({ url: relays.main.url, strictUrl: relays.strict.url, pollingOnlyUrl: relays.pollingOnly.url, closedUrl: relays.closed.url, adminKey: ADMIN_API_KEY }), type: 'json' };
      }
      if (path === '/__relay/token') {
        const claims = { sub: query.sub, name: query.name, ...(query.role ? { role: query.role } : {}) };
        const token = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(JWT_SECRET));
        return { body: token, type: 'text' };
      }
      if (path === '/__relay/drop') {
        // Close every transport, as a network cut would: clients reconnect by themselves.
        for (const socket of relays.main.app.sockets.io.sockets.sockets.values()) socket.conn.close();
        return { body: 'dropped', type: 'text' };
      }
      if (path === '/__relay/csp.html') {
        const relay = relays.main.url;
        // No 'unsafe-inline', no 'unsafe-eval', Trusted Types enforced (Lit's
        // policy allowed, and the widget's, which loads the moderator script).
        context.response.set(
          'Content-Security-Policy',
          `default-src 'none'; script-src ${relay}; connect-src ${relay} ${relay.replace('http', 'ws')}; ` +
            `style-src 'none'; img-src 'none'; require-trusted-types-for 'script'; trusted-types lit-html live-chat`,
        );
        return {
          body: `<!doctype html><html lang="en"><head><title>strict CSP</title>
            <script src="${relay}/live-chat.js" defer></script></head>
            <body><live-chat room="${query.room}" ${query.token ? `token="${query.token}"` : 'name="csp-visitor"'}></live-chat></body></html>`,
          type: 'html',
        };
      }
    },
  };
}
