import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Message } from '../../protocol/index.js';
import { addressKey } from '../chat/address.js';
import { ClientError } from '../chat/errors.js';
import type { ChatSocket } from './types.js';

/**
 * The bytes of join and history answers one connection may be sent per
 * window, and the guests of one network address together (whatever ids
 * and connections they churn). A re-join with `sinceRev: 0` in a room of
 * 1,000-character messages answers about 700 KB (200 messages and 500
 * `changed`); 4 guests doing it as fast as the request limit allowed
 * raised a control client's p99 from 7 ms to 210 ms (bench/rejoins.ts).
 * 2 MiB per 10 s is three such answers, forty first joins of 50 such
 * messages, hundreds of ordinary ones; the address gets 8 connections'
 * worth, for a venue's or an office's guests behind one address joining
 * at once. Verified members are held per connection only.
 */
export const ANSWER_BYTES_PER_CONNECTION = { points: 2 * 1024 * 1024, windowMs: 10_000 } as const;
export const ANSWER_BYTES_PER_GUEST_ADDRESS = { points: 16 * 1024 * 1024, windowMs: 10_000 } as const;

/**
 * What a message weighs in an answer, near enough for a budget without
 * encoding it twice: its texts (the message's and the quoted parent's)
 * and about 250 bytes for the rest (ids, author, times, JSON syntax).
 */
function weight(message: Message): number {
  return message.text.length + (message.replyTo?.text.length ?? 0) + 250;
}

/** What a list of messages weighs in an answer. */
export function answerBytes(...lists: (Message[] | undefined)[]): number {
  let bytes = 0;
  for (const list of lists) for (const message of list ?? []) bytes += weight(message);
  return bytes;
}

/**
 * Counts the bytes of the heavy answers (join, history) against each
 * connection's budget and each guest network's. An answer is given while
 * the budget is not spent, and then counted whole (one answer can pass the
 * budget; the next waits), so no single answer is ever too big to get.
 */
export class AnswerBudget {
  constructor(
    private readonly perConnection: RateLimiterAbstract,
    private readonly perGuestAddress?: RateLimiterAbstract,
  ) {}

  /** Refuses (`rate_limited`, with when to retry) a connection, or its guest network, whose budget is spent. */
  async check(socket: ChatSocket): Promise<void> {
    await spent(this.perConnection, socket.id, 'too much history read on this connection');
    const network = this.network(socket);
    if (network) await spent(this.perGuestAddress!, network, 'too much history read from this network');
  }

  /** Counts an answer's bytes. */
  async spend(socket: ChatSocket, bytes: number): Promise<void> {
    const network = this.network(socket);
    await Promise.all([this.perConnection.penalty(socket.id, bytes), network && this.perGuestAddress!.penalty(network, bytes)]);
  }

  private network(socket: ChatSocket): string | undefined {
    const { member, address } = socket.data;
    if (!this.perGuestAddress || member.verified || !address) return undefined;
    return addressKey(address) ?? address;
  }
}

/** Refuses when `key` has used its budget: `rate_limited`, retry when the window moves on. */
async function spent(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
  const used = await limiter.get(key);
  if (!used || used.consumedPoints < limiter.points) return;
  const retryAfterMs = Math.max(1, Math.ceil(used.msBeforeNext));
  throw new ClientError('rate_limited', `${what}; retry in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs);
}
