import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../dist/server/app.js';
import { loadConfig } from '../../dist/server/config.js';
import { demoDir, widgetDir } from '../../dist/server/paths.js';

/**
 * A web-test-runner plugin that runs a real relay (the built one, with a
 * real SQLite file) for the widget tests, and tells the test pages where it
 * is at GET /__relay.json.
 */
export function relayPlugin() {
  let app;
  let url;
  let dir;
  return {
    name: 'live-chat-relay',
    async serverStart() {
      dir = mkdtempSync(join(tmpdir(), 'live-chat-widget-test-'));
      const config = {
        ...loadConfig({}, { widgetDir, demoDir }),
        databaseUrl: `sqlite:${join(dir, 'chat.db')}`,
      };
      app = await buildApp(config, { logger: false });
      await app.listen({ port: 0, host: '127.0.0.1' });
      url = `http://127.0.0.1:${app.server.address().port}`;
    },
    async serverStop() {
      await app?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    serve(context) {
      if (context.path === '/__relay.json') return { body: JSON.stringify({ url }), type: 'application/json' };
    },
  };
}
