import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { staticFiles } from '../http/static-files.js';

/** Loadable from any page of any origin, as a <script> and by fetch. */
function headers(reply: FastifyReply): void {
  reply
    // The URL is not versioned, so caches revalidate after five minutes: an
    // upgraded relay reaches every page within that, usually as a 304.
    .header('cache-control', 'public, max-age=300, stale-while-revalidate=86400')
    .header('access-control-allow-origin', '*')
    .header('cross-origin-resource-policy', 'cross-origin');
}

const SCRIPT = 'text/javascript; charset=utf-8';
const MAP = 'application/json; charset=utf-8';

/**
 * GET /live-chat.js and its source map: the built widget, loadable from any
 * origin; /live-chat-moderator.js, which the widget loads only when a
 * moderator signs in (so visitors never download moderators' tools); and
 * the languages but English (/live-chat-fr.js…), loaded by pages in them.
 */
export default fp(
  async (app) => {
    const dir = app.config.widgetDir;
    if (!existsSync(join(dir, 'live-chat.js'))) throw new Error(`the widget is not built (${dir} has no live-chat.js): run "npm run build"`);
    await app.register(
      staticFiles(
        dir,
        readdirSync(dir)
          .filter((name) => /^live-chat(-[a-z]+)?\.js$/.test(name))
          .flatMap((name) => [
            { url: `/${name}`, file: name, type: SCRIPT, headers },
            { url: `/${name}.map`, file: `${name}.map`, type: MAP, headers },
          ]),
      ),
    );
  },
  { name: 'widget', dependencies: ['config'] },
);
