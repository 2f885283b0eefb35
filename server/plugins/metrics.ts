import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metrics } from '../chat/metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** Prometheus metrics in a registry of this app's own (tests run several apps in one process), at GET /metrics. */
export default fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'live_chat_' });
    const metrics: Metrics = {
      registry,
      // Gauges read the relay's own state when scraped: nothing to keep in step.
      connections: new Gauge({
        name: 'live_chat_connections',
        help: 'Open Socket.IO connections',
        registers: [registry],
        collect() {
          if (app.hasDecorator('sockets')) this.set(app.sockets.io.of('/').sockets.size);
        },
      }),
      rooms: new Gauge({
        name: 'live_chat_rooms',
        help: 'Rooms with at least one member online',
        registers: [registry],
        collect() {
          if (app.hasDecorator('sockets')) this.set(app.sockets.presence.localRoomCount());
        },
      }),
      messagesSent: new Counter({
        name: 'live_chat_messages_sent_total',
        help: 'Messages stored and broadcast (retries of a stored message not counted)',
        registers: [registry],
      }),
      errors: new Counter({
        name: 'live_chat_errors_total',
        help: 'Errors answered to clients (acks, refused handshakes, HTTP), by code',
        labelNames: ['code'],
        registers: [registry],
      }),
      sendAckSeconds: new Histogram({
        name: 'live_chat_send_ack_seconds',
        help: 'Time from receiving a send to acknowledging it',
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
        registers: [registry],
      }),
    };
    app.decorate('metrics', metrics);
    app.get('/metrics', async (_request, reply) =>
      reply.header('content-type', registry.contentType).send(await registry.metrics()),
    );
  },
  { name: 'metrics' },
);
