import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import { ONLINE_SAMPLES_KEPT_MS } from '../chat/overview.js';

declare module 'fastify' {
  interface FastifyInstance {
    onlineSamples: OnlineSamples;
  }
}

export interface OnlineSamples {
  /** This relay's name in the samples: a new one each start. */
  readonly relay: string;
  /** Records the members connected to this relay now as its sample for `minute` (a minute's start). */
  sample(minute: number): Promise<void>;
}

const MINUTE = 60_000;

/**
 * Members online over time, for the console's overview: at each minute's
 * start every relay stores how many members are connected to it (each
 * once, however many tabs; the console's own connections not counted),
 * and the overview sums the relays' samples of each minute. A sum rather
 * than one relay counting the cluster: no relay has to ask the others, and
 * one that stops simply stops adding. Samples are taken at minute
 * boundaries only, never at start: a relay restarted within a minute adds
 * its count from the next one, so no minute counts the old process and the
 * new. A member with tabs on two relays counts on each.
 */
export default fp(
  async (app) => {
    const relay = randomUUID();
    const members = () => {
      const ids = new Set<string>();
      for (const socket of app.sockets.io.of('/').sockets.values()) {
        if (socket.data.member && !socket.data.consoleSession) ids.add(socket.data.member.id);
      }
      return ids.size;
    };
    const sample = (minute: number) => app.store.sampleOnline(minute, relay, members(), minute - ONLINE_SAMPLES_KEPT_MS);
    app.decorate('onlineSamples', { relay, sample });

    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    const next = () => {
      timer = setTimeout(tick, MINUTE - (Date.now() % MINUTE)).unref();
    };
    const tick = () => {
      // A timer fires a little late (rarely a hair early): the nearest minute's start.
      running = sample(Math.round(Date.now() / MINUTE) * MINUTE).catch((error) =>
        app.log.warn({ err: error }, 'online sample not stored; the overview shows a gap for this minute'),
      );
      next();
    };
    app.addHook('onReady', async () => next());
    app.addHook('preClose', async () => {
      clearTimeout(timer);
      await running;
    });
  },
  { name: 'online-samples', dependencies: ['store', 'socket'] },
);
