import type { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the relay counts, for /metrics (plugins/metrics.ts makes them). */
export interface Metrics {
  registry: Registry;
  connections: Gauge;
  rooms: Gauge;
  messagesSent: Counter;
  errors: Counter<'code'>;
  sendAckSeconds: Histogram;
}
