import type { Member, Message } from '../../protocol/index.js';
import type { Config } from '../config.js';
import type { Store } from '../stores/store.js';
import type { Broadcaster } from './broadcaster.js';
import { ClientError } from './errors.js';
import type { Limits } from './limits.js';
import type { Metrics } from './metrics.js';
import { messageText, pageSize } from './rules.js';

export interface ChatDeps {
  store: Store;
  config: Config;
  metrics: Metrics;
  limits: Limits;
  broadcast: Broadcaster;
}

export interface PostRequest {
  room: string;
  text: string;
  clientMsgId: string;
}

export interface PostOptions {
  /** Counted against the author's rate limit (members' sends; not the admin API). */
  limited: boolean;
}

/**
 * The chat's rules, one place each: who may post, read, delete and ban, and
 * what is stored and told. It knows nothing of Socket.IO or HTTP: the socket
 * handlers and the HTTP routes validate what arrives, call these, and answer.
 * Room names are checked by the callers (schemas and routes), once.
 */
export class Chat {
  constructor(private readonly deps: ChatDeps) {}

  /** Refuses a member banned from the room (`banned`, with how long is left). */
  async checkNotBanned(room: string, memberId: string): Promise<void> {
    const now = Date.now();
    const until = await this.deps.store.bannedUntil(room, memberId, now);
    if (until > 0) throw new ClientError('banned', `you are banned from ${room}`, until - now);
  }

  /** Whether a member is banned from the room now. */
  async isBanned(room: string, memberId: string): Promise<boolean> {
    return (await this.deps.store.bannedUntil(room, memberId, Date.now())) > 0;
  }

  /**
   * What a joiner is sent: without `since`, the newest page; with it, every
   * message after it (up to a page, `truncated` when more were missed).
   */
  async recent(room: string, since: number | undefined, asked: number | undefined) {
    const { store } = this.deps;
    const limit = pageSize(asked);
    let messages: Message[];
    let truncated = false;
    if (since === undefined) messages = await store.latest(room, limit);
    else ({ messages, truncated } = await store.after(room, since, limit));
    return { messages, truncated, lastSeq: await store.lastSeq(room) };
  }

  /** Older messages, for scrolling up. */
  page(room: string, before: number, asked: number | undefined) {
    return this.deps.store.before(room, before, pageSize(asked));
  }

  /**
   * Stores a message with the room's next seq and tells the room (the author
   * included). A retried clientMsgId returns the stored original and tells
   * nobody, so a retry is never a duplicate, and is never refused.
   */
  async post(author: Member, { room, text: raw, clientMsgId }: PostRequest, { limited }: PostOptions) {
    const { store, config, metrics, limits, broadcast } = this.deps;
    const text = messageText(raw, config.maxMessageLength);
    if (limited) {
      try {
        await limits.spend(author.id);
      } catch (refusal) {
        const original = await store.find(room, author.id, clientMsgId);
        if (original) return { message: original, duplicate: true };
        throw refusal;
      }
    }
    const result = await store.append({ room, text, author, clientMsgId, ts: Date.now() });
    if (!result.duplicate) {
      broadcast.message(result.message);
      metrics.messagesSent.inc();
    }
    return result;
  }

  /** The author, or a moderator, blanks a message; it keeps its seq (no client sees a gap). */
  async remove(actor: Member, room: string, seq: number): Promise<void> {
    const { store, broadcast } = this.deps;
    const message = await store.get(room, seq);
    if (!message) throw new ClientError('not_found', `${room} has no message ${seq}`);
    if (message.author.id !== actor.id && actor.role !== 'moderator') {
      throw new ClientError('forbidden', 'only the author or a moderator may delete a message');
    }
    if (!message.deleted) {
      await store.markDeleted(room, seq);
      broadcast.deleted(room, seq);
    }
  }

  /**
   * A moderator removes a member from a room and refuses them there for
   * `minutes`. The ban is stored, so it holds across reconnects and restarts.
   */
  async ban(actor: Member, room: string, memberId: string, minutes: number): Promise<void> {
    if (actor.role !== 'moderator') throw new ClientError('forbidden', 'only moderators may ban');
    if (memberId === actor.id) throw new ClientError('forbidden', 'moderators cannot ban themselves');
    const until = Date.now() + Math.round(minutes * 60_000);
    await this.deps.store.ban(room, memberId, until);
    await this.deps.broadcast.banned(room, memberId, until);
  }
}
