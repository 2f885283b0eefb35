import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { FastifyBaseLogger } from 'fastify';
import type { Counter } from 'prom-client';
import type { WebhookConfig } from '../config.js';
import type { ClaimedWebhook, Store, WebhookOutcome } from '../stores/store.js';
import { webhookHeaders } from './sign.js';

export interface WebhookCounters {
  delivered: Counter;
  failed: Counter;
  dropped: Counter;
}

export interface WorkerOptions {
  store: Store;
  config: WebhookConfig;
  counters: WebhookCounters;
  log: FastifyBaseLogger;
  /** This relay's name in the claims it takes. */
  relay: string;
}

/** Rooms whose events one relay delivers at a time: a dead receiver holds at most this many requests open. */
export const CONCURRENCY = 16;
/**
 * A room's events one claim takes, delivered one after another: a busy
 * room costs two queue transactions (claim, settle) per this many events
 * rather than per event.
 */
export const PER_CLAIM = 32;
/**
 * How often the queue is read besides when this relay queues an event: it
 * picks up retries coming due and events other relays queued (each relay
 * reads it, whichever claims an event delivers it).
 */
export const POLL_MS = 500;
/**
 * A claim outlives the attempt's timeout by this much (the attempt is
 * recorded after it ends): a relay that died holding one is taken over
 * once it passes.
 */
export const LEASE_MARGIN_MS = 15_000;

/**
 * One POST through Node's own HTTP client, its connections kept alive; the
 * answer's status (its body is not read). fetch() cost about three times the
 * CPU per request (measured: 390–690 µs against 130–250 µs for both ends on
 * one machine), and every message sent is one request.
 */
function post(url: URL, agent: HttpAgent, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: 'POST', agent, signal, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Delivers the queued webhooks in the background: claims due rooms in the
 * database, POSTs each one's next event, and records how it went. Nothing
 * here runs on the path of a send: a slow or dead receiver holds at most
 * CONCURRENCY requests open, and the queue waits in the database.
 */
export class WebhookWorker {
  private readonly leaseMs: number;
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  /** Outcomes not yet written: written together, one transaction a turn. */
  private outcomes: WebhookOutcome[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;
  private wakeQueued = false;
  private readonly url: URL;
  /** At most CONCURRENCY requests are in flight, so as many connections are kept. */
  private readonly agent: HttpAgent;

  constructor(private readonly options: WorkerOptions) {
    this.leaseMs = options.config.timeoutMs + LEASE_MARGIN_MS;
    this.url = new URL(options.config.url);
    const Agent = this.url.protocol === 'https:' ? HttpsAgent : HttpAgent;
    this.agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  }

  /** Makes every waiting room due (a restart resumes its queue at once), then delivers until stopped. */
  async start(): Promise<void> {
    try {
      await this.options.store.resumeWebhooks(Date.now());
    } catch (error) {
      this.options.log.warn({ err: error }, 'webhook queue not resumed; polling goes on');
    }
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  /** Reads the queue soon (coalesced: many wakes in one turn read it once). */
  wake(): void {
    if (this.wakeQueued || this.stopping.signal.aborted) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      void this.pump();
    });
  }

  /** Stops claiming, cuts the attempts under way short (they are tried again), and records what ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight]);
    await this.pumping;
    await this.flush();
    this.agent.destroy();
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.again = false;
        await this.flush();
        await this.claim();
      } while (this.again && !this.stopping.signal.aborted);
    })();
    try {
      await this.pumping;
    } finally {
      this.pumping = undefined;
    }
  }

  private async flush(): Promise<void> {
    if (this.outcomes.length === 0) return;
    const outcomes = this.outcomes;
    this.outcomes = [];
    try {
      await this.options.store.settleWebhooks(this.options.relay, outcomes, Date.now());
      // A retry due before the next poll is read on time ("about 1 s").
      const soonest = Math.min(...outcomes.map((o) => o.retryAt ?? Infinity)) - Date.now();
      if (soonest < POLL_MS) setTimeout(() => this.wake(), Math.max(0, soonest)).unref();
    } catch (error) {
      // Not recorded: the claims run out and the events are delivered again (at least once).
      this.options.log.warn({ err: error, count: outcomes.length }, 'webhook outcomes not recorded');
    }
  }

  private async claim(): Promise<void> {
    const free = CONCURRENCY - this.inFlight.size;
    if (free <= 0 || this.stopping.signal.aborted) return;
    let events: ClaimedWebhook[];
    const claimedAt = Date.now();
    try {
      events = await this.options.store.claimWebhooks(this.options.relay, claimedAt, this.leaseMs, free, PER_CLAIM);
    } catch (error) {
      this.options.log.warn({ err: error }, 'webhook queue unreadable; trying again');
      return;
    }
    const rooms = new Map<string, ClaimedWebhook[]>();
    for (const event of events) {
      const list = rooms.get(event.room);
      if (list) list.push(event);
      else rooms.set(event.room, [event]);
    }
    for (const roomEvents of rooms.values()) {
      const delivery = this.deliver(roomEvents, claimedAt + this.leaseMs).then((outcomes) => {
        this.inFlight.delete(delivery);
        this.outcomes.push(...outcomes);
        this.wake();
      });
      this.inFlight.add(delivery);
    }
  }

  /**
   * A room's claimed events, one after another, until one fails (the rest
   * wait for it: order holds), the relay stops, or too little of the claim
   * is left for another attempt to end inside it (another relay could take
   * the room over meanwhile). Those not tried are due again once settled.
   */
  private async deliver(events: ClaimedWebhook[], claimedUntil: number): Promise<WebhookOutcome[]> {
    const outcomes: WebhookOutcome[] = [];
    for (const event of events) {
      if (outcomes.length > 0 && (this.stopping.signal.aborted || Date.now() + this.options.config.timeoutMs >= claimedUntil - LEASE_MARGIN_MS / 2)) break;
      const outcome = await this.attempt(event);
      outcomes.push(outcome);
      if (outcome.retryAt !== undefined) break;
    }
    return outcomes;
  }

  /** One POST; what to record of it (never throws). */
  private async attempt(claimed: ClaimedWebhook): Promise<WebhookOutcome> {
    const { config, counters, log, store } = this.options;
    const done = { id: claimed.id, room: claimed.room };
    let failure: string;
    try {
      // The body as it is now, not as claimed: a message deleted since has
      // had its text taken out (PROTOCOL v3), and a claim's events are sent
      // one after another, a retry's seconds after the claim.
      const body = await store.webhookBody(claimed.id);
      if (body === undefined) return done; // no longer queued
      const event = { ...claimed, body };
      // Redirects are not followed: a 3xx is a failure like any other non-2xx.
      const status = await post(
        this.url,
        this.agent,
        { ...webhookHeaders(config.secret, event.webhookId, event.body), 'user-agent': 'live-chat-relay' },
        event.body,
        AbortSignal.any([this.stopping.signal, AbortSignal.timeout(config.timeoutMs)]),
      );
      if (status >= 200 && status < 300) {
        counters.delivered.inc();
        return done;
      }
      failure = `HTTP ${status}`;
    } catch (error) {
      // Cut short by stop(): not a failure of the receiver; tried again at once by whoever claims it next.
      if (this.stopping.signal.aborted) return { ...done, retryAt: Date.now() };
      const { code, cause, name } = error as { code?: string; cause?: { name?: string }; name?: string };
      // A timeout aborts the request with the timeout's reason as the cause.
      failure = (code === 'ABORT_ERR' ? cause?.name : code) ?? name ?? String(error);
    }
    counters.failed.inc();
    const now = Date.now();
    const attempts = claimed.attempts + 1;
    if (now - claimed.ts >= config.giveUpAfterMs) {
      counters.dropped.inc();
      log.warn({ webhookId: claimed.webhookId, type: claimed.type, room: claimed.room, attempts, failure }, 'webhook dropped after failing for too long');
      return done;
    }
    const delays = config.retryDelaysMs;
    const delay = delays[Math.min(claimed.attempts, delays.length - 1)]!;
    log.info({ webhookId: claimed.webhookId, room: claimed.room, attempts, failure, retryInMs: delay }, 'webhook attempt failed');
    return { ...done, retryAt: now + delay };
  }
}
