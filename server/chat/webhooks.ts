import { randomUUID } from 'node:crypto';
import type { Ban, Message } from '../../protocol/index.js';
import type { Outbox, QueuedWebhook } from '../stores/store.js';

export type { Outbox, QueuedWebhook };

/**
 * Outgoing webhooks as the chat core sees them: which events there are, what
 * each carries, and how it is put in the queue. Delivery (signing, retries,
 * claims across relays) is server/webhooks/'s business; the queue itself is
 * the store's.
 */

/** PROTOCOL.md's `Ban`, with its room. */
export type BanEvent = Ban & { room: string };

/** The events of PROTOCOL.md's "v2 Webhooks", and what `data` holds for each. */
export interface WebhookData {
  'message.created': Message;
  'message.updated': Message;
  /** The message as blanked (text "", deleted: true). */
  'message.deleted': Message;
  'member.banned': BanEvent;
  /** The report as the admin API lists it. */
  'report.created': { room: string } & Record<string, unknown>;
}

export type WebhookType = keyof WebhookData;

export const WEBHOOK_TYPES = ['message.created', 'message.updated', 'message.deleted', 'member.banned', 'report.created'] as const satisfies readonly WebhookType[];

/** Builds an event, stamped now. */
export function webhookEvent<T extends WebhookType>(room: string, type: T, data: WebhookData[T], now = Date.now()): QueuedWebhook {
  return {
    webhookId: `msg_${randomUUID().replaceAll('-', '')}`,
    room,
    type,
    body: JSON.stringify({ type, timestamp: new Date(now).toISOString(), data }),
    ts: now,
  };
}

/**
 * How the chat core queues webhooks, beside the Broadcaster. Off (WEBHOOK_URL
 * unset), `enabled` is false and nothing is queued.
 */
export interface Webhooks {
  readonly enabled: boolean;
  /** The outbox of a message change of this type, or undefined when webhooks are off. */
  outbox(type: 'message.created' | 'message.updated' | 'message.deleted'): Outbox | undefined;
  /**
   * Queues an event about a change already stored (a ban, a report): call it
   * right after the store call. Resolves once the event is in the queue
   * (delivery happens later, in the background); does nothing when off.
   */
  enqueue<T extends WebhookType>(room: string, type: T, data: WebhookData[T]): Promise<void>;
}

/** Webhooks that are off: for tests and relays without WEBHOOK_URL. */
export const noWebhooks: Webhooks = {
  enabled: false,
  outbox: () => undefined,
  enqueue: async () => {},
};
