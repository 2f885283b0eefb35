import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Member } from '../../protocol/index.js';
import { addressKey } from './address.js';
import { ClientError } from './errors.js';

export interface Limiters {
  /** Writes (chat/writes.ts) per member (RATE_LIMIT). */
  writes?: RateLimiterAbstract;
  /** Writes per network address from guests, whatever ids they bring (GUEST_RATE_LIMIT). */
  guestAddresses?: RateLimiterAbstract;
  /** Reports per member (REPORTS_PER_MEMBER). */
  reports?: RateLimiterAbstract;
  /** Reports per network address from guests (REPORTS_PER_GUEST_ADDRESS). */
  guestAddressReports?: RateLimiterAbstract;
}

/**
 * The relay's allowances; an absent limiter is no limit (RATE_LIMIT=off).
 * The limiters themselves are built by plugins/limits.ts (in Redis when
 * relays share it).
 */
export class Limits {
  constructor(private readonly limiters: Limiters = {}) {}

  /**
   * Takes one write (a message, an edit, a reaction, a report) from the
   * member's allowance and, for a guest, from their network's: a guest id
   * costs nothing to make (a new clientId or name), so without the second,
   * one address could write without limit by changing ids. Verified members
   * are limited per member only.
   */
  async spend(author: Member, address?: string): Promise<void> {
    const { writes, guestAddresses } = this.limiters;
    if (writes) await take(writes, author.id, 'too many messages and changes');
    if (guestAddresses && !author.verified && address) {
      await take(guestAddresses, addressKey(address) ?? address, 'too many messages and changes from this network');
    }
  }

  /**
   * Takes one report from the reporter's allowance and, for a guest, from
   * their network's, as `spend` does for messages. Reports have allowances
   * of their own, smaller than RATE_LIMIT's, because each one lands in front
   * of the moderators (a flood put 520 there in half a second).
   */
  async report(reporter: Member, address?: string): Promise<void> {
    const { reports, guestAddressReports } = this.limiters;
    if (reports) await take(reports, reporter.id, 'too many reports');
    if (guestAddressReports && !reporter.verified && address) {
      await take(guestAddressReports, addressKey(address) ?? address, 'too many reports from this network');
    }
  }
}

/** Takes one point, or refuses with how long to wait (`rate_limited`). */
export async function take(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    const retryAfterMs = Math.max(1, Math.ceil(refusal.msBeforeNext));
    throw new ClientError('rate_limited', `${what}; retry in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs);
  }
}
