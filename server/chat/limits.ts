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
    await takeBoth(author, address, writes, guestAddresses, 'too many messages and changes');
  }

  /**
   * Takes one report from the reporter's allowance and, for a guest, from
   * their network's, as `spend` does for messages. Reports have allowances
   * of their own, smaller than RATE_LIMIT's, because each one lands in front
   * of the moderators (a flood put 520 there in half a second).
   */
  async report(reporter: Member, address?: string): Promise<void> {
    const { reports, guestAddressReports } = this.limiters;
    await takeBoth(reporter, address, reports, guestAddressReports, 'too many reports');
  }
}

/** One point from the member's allowance and, for a guest, from their network's. */
async function takeBoth(member: Member, address: string | undefined, perMember: RateLimiterAbstract | undefined, perGuestAddress: RateLimiterAbstract | undefined, what: string) {
  if (perMember) await take(perMember, member.id, what);
  if (perGuestAddress && !member.verified && address) await take(perGuestAddress, addressKey(address) ?? address, `${what} from this network`);
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
