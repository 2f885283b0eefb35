import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
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
 * a command that drops every connection (to test reconnects); a way to the
 * main relay through a TCP proxy that can freeze (/__relay/freeze?on=1: no
 * byte passes either way and nothing is closed, as when a network stalls);
 * and the browser command `go-offline` (Chromium's offline emulation, for
 * the milliseconds given).
 */
export function relayPlugin() {
  const relays = {};
  let dir;
  let proxy;
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
      // A relay that takes signed members only (GUESTS=off).
      await start('membersOnly', { guests: false });
      proxy = await freezableProxy(Number(new URL(relays.main.url).port));
    },
    async executeCommand({ command, payload, session }) {
      if (command !== 'go-offline') return undefined;
      // Offline for `payload` ms, then back: the page cannot ask to come back
      // while offline (its commands travel over the network too).
      const page = session.browser.getPage(session.id);
      setTimeout(async () => {
        await page.setOfflineMode(true);
        setTimeout(() => page.setOfflineMode(false).catch(() => {}), payload);
      }, 50);
      return true;
    },
    async serverStop() {
      proxy?.close();
      for (const { app } of Object.values(relays)) await app.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    async serve(context) {
      const { path, query } = context;
      if (path === '/__relay/urls.json') {
        return { body: JSON.stringify({ url: relays.main.url, strictUrl: relays.strict.url, frozenUrl: proxy.url, pollingOnlyUrl: relays.pollingOnly.url, closedUrl: relays.closed.url, membersOnlyUrl: relays.membersOnly.url, adminKey: ADMIN_API_KEY }), type: 'json' };
      }
      if (path === '/__relay/token') {
        const claims = { sub: query.sub, name: query.name, ...(query.role ? { role: query.role } : {}) };
        const token = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          // `expired`: a token whose time ran out a minute ago.
          .setExpirationTime(query.expired ? Math.floor(Date.now() / 1000) - 60 : '1h')
          .sign(new TextEncoder().encode(JWT_SECRET));
        return { body: token, type: 'text' };
      }
      if (path === '/__relay/drop') {
        // Close every transport, as a network cut would: clients reconnect by themselves.
        for (const socket of relays.main.app.sockets.io.sockets.sockets.values()) socket.conn.close();
        return { body: 'dropped', type: 'text' };
      }
      if (path === '/__relay/freeze') {
        proxy.freeze(query.on === '1');
        return { body: 'ok', type: 'text' };
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

/**
 * A TCP proxy to `port` on 127.0.0.1 that can freeze: while frozen it reads
 * nothing from either side of any connection, new ones included, and closes
 * nothing, so a client hears nothing and learns nothing (a stalled network);
 * thawed, what waited goes on.
 */
async function freezableProxy(port) {
  let frozen = false;
  const sockets = new Set();
  const hold = (socket) => {
    sockets.add(socket.on('close', () => sockets.delete(socket)).on('error', () => {}));
    if (frozen) socket.pause();
  };
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    // Piped first: pipe() sets a stream flowing, which would undo a pause.
    client.pipe(upstream).on('error', () => {});
    upstream.pipe(client).on('error', () => {});
    hold(client);
    hold(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    freeze(on) {
      frozen = on;
      for (const socket of sockets) on ? socket.pause() : socket.resume();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
