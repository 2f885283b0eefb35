import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import fp from 'fastify-plugin';
import { Counter, Gauge } from 'prom-client';
import { noWebhooks, webhookEvent, type Webhooks } from '../chat/webhooks.js';
import { WebhookWorker } from '../webhooks/worker.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** How the chat core queues outgoing webhooks (off without WEBHOOK_URL). */
    webhooks: Webhooks;
  }
}

/**
 * Outgoing webhooks (WEBHOOK_URL): the queue's side the chat core calls, the
 * background worker that delivers it, and their metrics. The worker starts
 * once the app is ready and stops before the store closes.
 */
export default fp(
  async (app) => {
    const { config, store, metrics, log } = app;
    const registers = [metrics.registry];
    const counters = {
      delivered: new Counter({ name: 'live_chat_webhook_delivered_total', help: 'Webhook events delivered (a 2xx answer)', registers }),
      failed: new Counter({ name: 'live_chat_webhook_failed_total', help: 'Webhook attempts that failed (no 2xx within the timeout); each is retried', registers }),
      dropped: new Counter({ name: 'live_chat_webhook_dropped_total', help: 'Webhook events given up on after failing for 24 hours', registers }),
    };
    // Read from the database when scraped: the queue is the cluster's, the same seen from every relay.
    const queue = config.webhook ? () => store.webhookQueue().catch(() => undefined) : async () => ({ depth: 0, oldestTs: null });
    new Gauge({
      name: 'live_chat_webhook_queue_depth',
      help: 'Webhook events waiting to be delivered',
      registers,
      async collect() {
        const state = await queue();
        if (state) this.set(state.depth);
      },
    });
    new Gauge({
      name: 'live_chat_webhook_oldest_age_seconds',
      help: 'Age of the oldest webhook event waiting (0 when none)',
      registers,
      async collect() {
        const state = await queue();
        if (state) this.set(state.oldestTs === null ? 0 : Math.max(0, (Date.now() - state.oldestTs) / 1000));
      },
    });

    if (!config.webhook) {
      app.decorate('webhooks', noWebhooks);
      return;
    }
    const worker = new WebhookWorker({
      store,
      config: config.webhook,
      counters,
      log: log.child({ component: 'webhooks' }),
      relay: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    });
    const webhooks: Webhooks = {
      enabled: true,
      // Called inside the store's transaction; the worker reads the queue on
      // the next turn (after a SQLite commit; a PostgreSQL commit may land
      // later, and the next poll finds it).
      outbox: (type) => (message) => {
        worker.wake();
        return webhookEvent(message.room, type, message);
      },
      async enqueue(room, type, data) {
        await store.enqueueWebhooks([webhookEvent(room, type, data)]);
        worker.wake();
      },
    };
    app.decorate('webhooks', webhooks);
    app.addHook('onReady', async () => void (await worker.start()));
    // Before the store closes (its onClose): what ended is recorded.
    app.addHook('preClose', async () => worker.stop());
  },
  { name: 'webhooks', dependencies: ['config', 'store', 'metrics'] },
);
