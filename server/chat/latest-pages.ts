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
export class LatestPages {
  private readonly pages = new Map<string, { rev: number; limit: number; at: number; messages: Message[] }>();

  get(room: string, rev: number, limit: number): Message[] | undefined {
    const page = this.pages.get(room);
    if (!page || page.rev !== rev || page.limit !== limit || Date.now() - page.at > MAX_AGE_MS) return undefined;
    return page.messages;
  }

  set(room: string, rev: number, limit: number, messages: Message[]): void {
    this.pages.delete(room);
    if (this.pages.size >= MAX_ROOMS) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(room, { rev, limit, at: Date.now(), messages });
  }
}
