import type { Message } from '../../protocol/index.js';

/** Rooms whose newest page is kept; the least recently stored goes first. */
const MAX_ROOMS = 1000;
/**
 * How long a page is trusted without its room's revision moving: the
 * retention sweep removes old messages without taking a revision.
 */
const MAX_AGE_MS = 10_000;

/**
 * The newest page of the busiest rooms, as the store last answered it, by
 * the room's revision: every change to a room's messages (a send, an edit, a
 * deletion, a reaction) takes a new revision, on whichever relay it happens,
 * so a page stored under the revision a joiner has just read is what the
 * store would answer. A crowd joining a room then costs one read of its
 * history, not one each.
 */
export class LatestPages<T = Message[]> {
  private readonly pages = new Map<string, { rev: number; limit: number; at: number; messages: T }>();

  /** `key`: the room, or what else names the page within it (ChangedPages). */
  constructor(private readonly maxPages = MAX_ROOMS) {}

  get(key: string, rev: number, limit: number): T | undefined {
    const page = this.pages.get(key);
    if (!page || page.rev !== rev || page.limit !== limit || Date.now() - page.at > MAX_AGE_MS) return undefined;
    return page.messages;
  }

  set(key: string, rev: number, limit: number, messages: T): void {
    this.pages.delete(key);
    if (this.pages.size >= this.maxPages) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(key, { rev, limit, at: Date.now(), messages });
  }
}

/**
 * How many `changed` pages are kept. One can hold CHANGED_MAX_LIMIT
 * messages of up to 2,000 characters (about 1 MB), so few are: enough for
 * the rooms where many re-join at once (a relay restart, a re-join loop).
 */
const CHANGED_PAGES = 32;

/**
 * A join's `changed` page by room, the `sinceRev` asked and the seq it
 * stops below, under the room's revision, as LatestPages keeps the newest
 * page: re-joins asking the same (every client after a relay restart, or one
 * re-joining with `sinceRev: 0` in a loop) cost one read, not one each.
 */
export class ChangedPages {
  private readonly pages = new LatestPages<{ messages: Message[]; truncated: boolean }>(CHANGED_PAGES);

  get(room: string, rev: number, sinceRev: number, below: number, limit: number) {
    return this.pages.get(key(room, sinceRev, below), rev, limit);
  }

  set(room: string, rev: number, sinceRev: number, below: number, limit: number, page: { messages: Message[]; truncated: boolean }): void {
    this.pages.set(key(room, sinceRev, below), rev, limit, page);
  }
}

const key = (room: string, sinceRev: number, below: number) => `${room}\n${sinceRev}\n${below}`;
