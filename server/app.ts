import cors from '@fastify/cors';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { clientErrorHandler } from './http/errors.js';
import backpressure from './plugins/backpressure.js';
import chat from './plugins/chat.js';
import configPlugin from './plugins/config.js';
import consolePage from './plugins/console.js';
import consoleSessions from './plugins/console-sessions.js';
import demo from './plugins/demo.js';
import health from './plugins/health.js';
import httpApi from './plugins/http-api.js';
import limits from './plugins/limits.js';
import metrics from './plugins/metrics.js';
import moderation from './plugins/moderation.js';
import onlineSamples from './plugins/online-samples.js';
import openapi from './plugins/openapi.js';
import redis from './plugins/redis.js';
import retention from './plugins/retention.js';
import socket from './plugins/socket.js';
import store from './plugins/store.js';
import webhooks from './plugins/webhooks.js';
import widget from './plugins/widget.js';

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
}

/** proxy-addr's reading of a hop count, as socket/handshake.ts trusts it. */
const hops = (count: number) => (_address: string, hop: number) => hop < count;

/** The whole relay as a Fastify app, not yet listening: main.ts and the tests both start it. */
export async function buildApp(config: Config, options: BuildOptions = {}) {
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    // Clients keep WebSockets open; close must not wait on idle keep-alive HTTP ones.
    forceCloseConnections: 'idle',
    // A request must arrive whole within the join timeout (30 s): a body
    // trickled in byte by byte (slowloris, say a long-polling POST) held its
    // connection forever, as Fastify sets no request timeout by default
    // (found by test/server/reliability/floods.test.ts). Long-polling GETs and WebSocket
    // upgrades have no body to wait for, so they are not affected. Node only
    // enforces it with a headers timeout no longer than it.
    requestTimeout: config.joinTimeoutMs,
    http: {
      headersTimeout: config.joinTimeoutMs,
      connectionsCheckingInterval: Math.min(30_000, Math.ceil(config.joinTimeoutMs / 2)),
    },
    // Validate as written: no silent type coercion, no silent dropping of
    // unknown fields (they are refused, as on the socket).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    clientErrorHandler,
    // request.protocol, host and ip as the client used them, through the
    // proxies TRUST_PROXY names (the console's Secure cookie and CSRF check).
    // A member id in a path (DELETE …/bans/:memberId) may be 200 characters.
    routerOptions: { maxParamLength: 256 },
    trustProxy: typeof config.trustProxy === 'number' ? hops(config.trustProxy) : config.trustProxy,
  });
  await app.register(configPlugin, { config });
  await app.register(cors, { origin: config.allowedOrigins });
  // Before every route, so /openapi.json describes them all.
  await app.register(openapi);
  await app.register(metrics);
  await app.register(store);
  await app.register(retention);
  await app.register(webhooks);
  await app.register(redis);
  await app.register(limits);
  await app.register(moderation);
  await app.register(consoleSessions);
  await app.register(chat);
  await app.register(socket);
  await app.register(onlineSamples);
  await app.register(backpressure);
  await app.register(httpApi);
  await app.register(consolePage);
  await app.register(widget);
  await app.register(health);
  await app.register(demo);
  return app;
}
