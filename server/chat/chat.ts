import { CHANGED_MAX_LIMIT, type Member, type Message, type OwnReaction } from '../../protocol/index.js';
import type { Config } from '../config.js';
import type { Store } from '../stores/store.js';
import type { Broadcaster } from './broadcaster.js';
import type { BlockedWords } from './blocked-words.js';
import { ClientError } from './errors.js';
import { ChangedPages, LatestPages } from './latest-pages.js';
import type { Limits } from './limits.js';
import type { Metrics } from './metrics.js';
import { moderates, Moderation, type Actor } from './moderation.js';
import type { Roster } from './roster.js';
import { checkReaction, mentionIds, messageText, pageSize } from './rules.js';
import type { SlowModeClock } from './slow-mode.js';
import type { Webhooks } from './webhooks.js';

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
  /** Outgoing webhooks: message changes queue theirs through the store's outbox, bans and reports through `enqueue`. */
  webhooks: Webhooks;
}

export interface PostRequest {
  room: string;
  text: string;
  clientMsgId: string;
  /** The seq of the message of the same room this one answers. */
  replyTo?: number;
  /** Member ids to mention. */
  mentions?: string[];
}

export interface PostOptions {
  /**
   * A member's send: subject to the room's settings and blocked words, and
   * counted against the author's rate limit (not so the admin API's posts).
   */
  limited: boolean;
  /** The sender's network address, for the guests' per-address budget. */
  address?: string;
  /** The rooms the author's token lets them moderate, when it names some. */
  rooms?: readonly string[];
}

/**
 * The chat's rules, one place each: who may post, read, edit, react, delete and ban, and
 * what is stored and told. It knows nothing of Socket.IO or HTTP: the socket
 * handlers and the HTTP routes validate what arrives, call these, and answer.
 * Room names are checked by the callers (schemas and routes), once.
 */
export class Chat {
  /** Room settings, bans, reports and the audit log. */
  readonly moderation: Moderation;
  private readonly latestPages = new LatestPages();
  private readonly changedPages = new ChangedPages();

  constructor(private readonly deps: ChatDeps) {
    this.moderation = new Moderation(deps);
  }

  /**
   * What a joiner is sent: without `since`, the newest page; with it, every
   * message after it (up to a page, `truncated` when more were missed). With
   * `sinceRev`, also the older messages changed since that revision
   * (`changed`, at most CHANGED_MAX_LIMIT of them, oldest change first). With
   * a `viewer`, their own reactions on all of these.
   */
  async recent(room: string, since: number | undefined, asked: number | undefined, sinceRev?: number, viewer?: string) {
    const { store } = this.deps;
    // Read first: a change after this read is either in what is read next or
    // reaches the joiner live, and the joiner's next sinceRev (at most this
    // rev) asks for it again rather than missing it.
    const rev = await store.revision(room);
    const limit = pageSize(asked);
    let messages: Message[];
    let truncated = false;
    if (since === undefined) {
      // Shared by every joiner while the room does not change (joiners do not change the messages).
      const kept = this.latestPages.get(room, rev, limit);
      messages = kept ?? (await store.latest(room, limit));
      if (!kept) this.latestPages.set(room, rev, limit, messages);
    } else ({ messages, truncated } = await store.after(room, since, limit));
    let changed: Message[] | undefined;
    let changedTruncated = false;
    if (sinceRev !== undefined) {
      // Everything at or below `since`, or else below the first message returned.
      const below = since !== undefined ? since + 1 : (messages[0]?.seq ?? 0);
      const kept = this.changedPages.get(room, rev, sinceRev, below, CHANGED_MAX_LIMIT);
      const page = kept ?? (await store.changed(room, sinceRev, below, CHANGED_MAX_LIMIT));
      if (!kept) this.changedPages.set(room, rev, sinceRev, below, CHANGED_MAX_LIMIT, page);
      ({ messages: changed, truncated: changedTruncated } = page);
    }
    const myReactions = viewer === undefined ? [] : await this.reactionsOn(room, viewer, [...(changed ?? []), ...messages]);
    return { messages, truncated, lastSeq: await store.lastSeq(room), rev, changed, changedTruncated, myReactions };
  }

  /** A member's own reactions on some messages (none on a message without reactions, so those are not asked). */
  private async reactionsOn(room: string, memberId: string, messages: Message[]): Promise<OwnReaction[]> {
    const seqs = messages.filter((m) => m.reactions?.length).map((m) => m.seq);
    return seqs.length === 0 ? [] : this.deps.store.reactionsBy(room, memberId, seqs);
  }

  /**
   * Rooms by last activity (the store's index, never a scan of messages),
   * each with how many members are online in it now, on every relay.
   */
  async rooms(query: { limit: number; contains?: string }) {
    const rooms = await this.deps.store.rooms(query);
    const online = await Promise.all(rooms.map(({ room }) => this.deps.roster.online(room)));
    return rooms.map((summary, i) => ({ ...summary, online: online[i]!.size }));
  }

  /** Older messages, for scrolling up. */
  page(room: string, before: number, asked: number | undefined) {
    return this.deps.store.before(room, before, pageSize(asked));
  }

  /** Older messages for a member, with their own reactions on them. */
  async history(viewer: Member, room: string, before: number, asked: number | undefined) {
    const { messages, hasMore } = await this.page(room, before, asked);
    return { messages, hasMore, myReactions: await this.reactionsOn(room, viewer.id, messages) };
  }

  /**
   * Stores a message with the room's next seq and tells the room (the author
   * included). A retried clientMsgId returns the stored original and tells
   * nobody, so a retry is never a duplicate, and is never refused.
   */
  async post(author: Member, { room, text: raw, clientMsgId, replyTo, mentions: ids }: PostRequest, { limited, rooms, address }: PostOptions) {
    const { store, config, metrics, broadcast, webhooks } = this.deps;
    const mentionedIds = mentionIds(ids);
    let text: string;
    if (limited) {
      const actor: Actor = { member: author, rooms, address };
      try {
        // The room's settings first, then the v1 rules (PROTOCOL.md's order).
        const settings = await this.moderation.checkWrite(actor, room, 'send', raw);
        text = messageText(raw, config.maxMessageLength);
        await this.moderation.countWrite(actor, room, settings);
      } catch (refusal) {
        if (!(refusal instanceof ClientError)) throw refusal;
        const original = await store.find(room, author.id, clientMsgId);
        if (original) return { message: original, duplicate: true };
        throw refusal;
      }
    } else {
      text = messageText(raw, config.maxMessageLength);
    }
    if (replyTo !== undefined && !(await store.get(room, replyTo))) {
      // A retry of a reply is answered by append with the original; the parent was checked then.
      const original = await store.find(room, author.id, clientMsgId);
      if (original) return { message: original, duplicate: true };
      throw new ClientError('not_found', `${room} has no message ${replyTo} to reply to`);
    }
    const mentions = await this.resolveMentions(room, mentionedIds);
    const result = await store.append({
      room,
      text,
      author,
      clientMsgId,
      ts: Date.now(),
      ...(replyTo !== undefined ? { replyTo } : {}),
      ...(mentions.length > 0 ? { mentions } : {}),
    }, webhooks.outbox('message.created'));
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
    const { store, broadcast, webhooks } = this.deps;
    const message = await store.get(room, seq);
    if (!message) throw new ClientError('not_found', `${room} has no message ${seq}`);
    const own = message.author.id === actor.member.id;
    if (!own && !moderates(actor, room)) {
      throw new ClientError('forbidden', 'only the author or a moderator may delete a message');
    }
    // Undefined when it was deleted already (here or on another relay): told once.
    const blanked = message.deleted ? undefined : await store.markDeleted(room, seq, webhooks.outbox('message.deleted'));
    if (blanked) {
      broadcast.deleted(room, seq);
      broadcast.updated(blanked);
      if (!own) await this.moderation.audit(actor, room, 'delete', { seq, memberId: message.author.id });
      // Whoever deleted it, nothing is left to report: its open report is resolved.
      await this.moderation.settleReports(actor, { room, seq }, 'deleted');
    }
  }

  /**
   * The author changes a message's text, within EDIT_WINDOW_MINUTES of
   * sending and while it is not deleted; the room gets it whole (`updated`).
   * A write like a send: the room's settings refuse it as they would a send,
   * and it counts against the author's allowances and slow mode.
   */
  async edit(actor: Actor, room: string, seq: number, raw: string): Promise<Message> {
    const { store, config, broadcast, webhooks } = this.deps;
    const window = config.editWindowMinutes;
    if (window === 0) throw new ClientError('forbidden', 'editing is disabled on this relay');
    const settings = await this.moderation.checkWrite(actor, room, 'edit');
    const message = await store.get(room, seq);
    if (!message || message.deleted) throw new ClientError('not_found', `${room} has no message ${seq}`);
    if (message.author.id !== actor.member.id) throw new ClientError('forbidden', 'only the author may edit a message');
    if (Date.now() - message.ts > window * 60_000) {
      throw new ClientError('forbidden', `a message can be edited for ${window} minutes after it is sent`);
    }
    const text = messageText(raw, config.maxMessageLength);
    await this.moderation.checkText(actor.member, room, text);
    await this.moderation.countWrite(actor, room, settings);
    const edited = await store.edit(room, seq, text, Date.now(), webhooks.outbox('message.updated'));
    // Deleted since it was read.
    if (!edited) throw new ClientError('not_found', `${room} has no message ${seq}`);
    broadcast.updated(edited);
    return edited;
  }

  /**
   * A member adds (`on`) or takes back their reaction to a message, once per
   * emoji: the database counts, so a member is counted once whichever relays
   * their tabs are on. The room gets the message whole (`updated`) when its
   * counts changed; asking for what already is answers the message as it is.
   * Every request counts as a write (refused by the room's settings like a
   * send, against the member's allowances and slow mode), a repeat included:
   * telling is what costs, and one that changes nothing is checked only after.
   */
  async react(actor: Actor, room: string, seq: number, emoji: string, on: boolean): Promise<Message> {
    const { store, config, broadcast, webhooks } = this.deps;
    const settings = await this.moderation.checkWrite(actor, room, 'react');
    checkReaction(emoji, config.reactions);
    await this.moderation.countWrite(actor, room, settings);
    const result = await store.react(room, seq, actor.member.id, emoji, on, webhooks.outbox('message.updated'));
    if (!result) throw new ClientError('not_found', `${room} has no message ${seq}`);
    if (result.changed) broadcast.updated(result.message);
    return result.message;
  }

  /**
   * The members a message names, as the relay knows them in the room: online
   * there now (on any relay), or else the author of one of its messages (as
   * on their latest). Other ids are dropped; the order is the sender's.
   */
  private async resolveMentions(room: string, ids: string[]): Promise<Member[]> {
    if (ids.length === 0) return [];
    const known = await this.deps.roster.online(room);
    const absent = ids.filter((id) => !known.has(id));
    if (absent.length > 0) for (const member of await this.deps.store.authors(room, absent)) known.set(member.id, member);
    return ids.flatMap((id) => known.get(id) ?? []);
  }
}
