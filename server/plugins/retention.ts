import fp from 'fastify-plugin';

/** Messages removed per batch: one short transaction, so sends queued behind it wait milliseconds. */
export const RETENTION_BATCH = 500;
/** Between two batches, the event loop and the database serve everyone else. */
const PAUSE_MS = 20;
/** How often the relay looks for messages past RETENTION_DAYS. */
const SWEEP_EVERY_MS = 60 * 60_000;

/**
 * RETENTION_DAYS: messages older than that are removed in the background,
 * at start and then hourly, in batches that never block sends. Seqs are not
 * given again (each room keeps its last). With several relays each sweeps;
 * removing what another already removed is harmless.
 */
export default fp(
  async (app) => {
    const days = app.config.retentionDays;
    if (!days) return;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    let closing = false;
    const sweep = async () => {
      const before = Date.now() - days * 86_400_000;
      let removed = 0;
      try {
        for (;;) {
          const batch = await app.store.removeOlderThan(before, RETENTION_BATCH);
          removed += batch;
          if (batch < RETENTION_BATCH || closing) break;
          await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
        }
        if (removed > 0) app.log.info({ removed, days }, 'retention: old messages removed');
      } catch (error) {
        app.log.warn({ err: error }, 'retention: sweep failed; trying again later');
      }
      if (!closing) timer = setTimeout(start, SWEEP_EVERY_MS).unref();
    };
    const start = () => void (running = sweep());
    app.addHook('onReady', async () => {
      timer = setTimeout(start, 0).unref();
    });
    // The store closes after this: let a batch in progress finish first.
    app.addHook('preClose', async () => {
      closing = true;
      clearTimeout(timer);
      await running;
    });
  },
  { name: 'retention', dependencies: ['config', 'store'] },
);
