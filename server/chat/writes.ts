/**
 * The writes a member makes, as PROTOCOL.md v3 counts them: each one takes a
 * point of the member's RATE_LIMIT and, for a guest, of their network's
 * GUEST_RATE_LIMIT, and the member's (and their network's) slow-mode turn in
 * the room (`Moderation.checkWrite`, then `Moderation.countWrite` once the
 * write passed its own rules). A write is refused in a paused room unless
 * its author moderates it, and from a guest in a members-only room, when its
 * entry says so.
 *
 * A new write (`ask`, `upvote`, `vote`) is one line here and those two calls
 * in its action.
 */
export const WRITES = {
  send: { paused: true, membersOnly: true },
  edit: { paused: true, membersOnly: true },
  react: { paused: true, membersOnly: true },
  // A report is how a visitor reaches the moderators, paused room or not.
  report: { paused: false, membersOnly: false },
} as const satisfies Record<string, { paused: boolean; membersOnly: boolean }>;

export type Write = keyof typeof WRITES;
