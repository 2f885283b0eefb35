import type { Member, Message } from '../../protocol/index.js';
import type { Config } from '../config.js';
import type { Store } from '../stores/store.js';
import type { Broadcaster } from './broadcaster.js';
import type { BlockedWords } from './blocked-words.js';
import { ClientError } from './errors.js';
import type { Limits } from './limits.js';
import type { Metrics } from './metrics.js';
import { moderates, Moderation, type Actor, type Roster } from './moderation.js';
import { messageText, pageSize } from './rules.js';
import type { SlowModeClock } from './slow-mode.js';

export interface ChatDeps {
  store: Store;
  config: Config;
  metrics: Metrics;
  limits: Limits;
  broadcast: Broadcaster;
  roster: Roster;
  slowMode: SlowModeClock;
  /** BLOCKED_WORDS_FILE's words, blocked in every room. */
  blockedEverywhere: BlockedWords;
}

export interface PostRequest {
  room: string;
  text: string;
  clientMsgId: string;
}

export interface PostOptions {
  /**
   * A member's send: subject to the room's settings and blocked words, and
   * counted against the author's rate limit (not so the admin API's posts).
   */
  limited: boolean;
  /** The rooms the author's token lets them moderate, when it names some. */
  rooms?: readonly string[];
}

/**
 * The chat's rules, one place each: who may post, read, delete and ban, and
 * what is stored and told. It knows nothing of Socket.IO or HTTP: the socket
 * handlers and the HTTP routes validate what arrives, call these, and answer.
 * Room names are checked by the callers (schemas and routes), once.
 */
export class Chat {
  /** Room settings, bans, reports and the audit log. */
  readonly moderation: Moderation;

  constructor(private readonly deps: ChatDeps) {
    this.moderation = new Moderation(deps);
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
  async post(author: Member, { room, text: raw, clientMsgId }: PostRequest, { limited, rooms }: PostOptions) {
    const { store, config, metrics, limits, broadcast } = this.deps;
    let text: string;
    if (limited) {
      const actor: Actor = { member: author, rooms };
      try {
        // The room's settings first, then the v1 rules (PROTOCOL.md's order).
        const settings = await this.moderation.checkSend(actor, room, raw);
        text = messageText(raw, config.maxMessageLength);
        await limits.spend(author.id);
        await this.moderation.takeTurn(actor, room, settings);
      } catch (refusal) {
        if (!(refusal instanceof ClientError)) throw refusal;
        const original = await store.find(room, author.id, clientMsgId);
        if (original) return { message: original, duplicate: true };
        throw refusal;
      }
    } else {
      text = messageText(raw, config.maxMessageLength);
    }
    const result = await store.append({ room, text, author, clientMsgId, ts: Date.now() });
    if (!result.duplicate) {
      broadcast.message(result.message);
      metrics.messagesSent.inc();
    }
    return result;
  }

  /**
   * The author, or a moderator of the room, blanks a message; it keeps its
   * seq (no client sees a gap). A moderator's deletion of another's message
   * goes into the audit log.
   */
  async remove(actor: Actor, room: string, seq: number): Promise<void> {
    const { store, broadcast } = this.deps;
    const message = await store.get(room, seq);
    if (!message) throw new ClientError('not_found', `${room} has no message ${seq}`);
    const own = message.author.id === actor.member.id;
    if (!own && !moderates(actor, room)) {
      throw new ClientError('forbidden', 'only the author or a moderator may delete a message');
    }
    if (!message.deleted) {
      await store.markDeleted(room, seq);
      broadcast.deleted(room, seq);
      if (!own) await this.moderation.audit(actor, room, 'delete', { seq, memberId: message.author.id });
    }
  }
}
