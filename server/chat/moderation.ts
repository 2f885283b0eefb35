import type { Ban, BanNotice, Member, Message, ReportEvent, ResolvedHow, RoomSettings } from '../../protocol/index.js';
import type { AuditAction, AuditEntry, ReportFilter, ReportTarget, Store, StoredReport } from '../stores/store.js';
import { BlockedWords, NO_BLOCKED_WORDS, words } from './blocked-words.js';
import type { Broadcaster } from './broadcaster.js';
import type { Limits } from './limits.js';
import type { Roster } from './roster.js';
import type { Webhooks } from './webhooks.js';
import { ClientError } from './errors.js';
import { nameKeys } from './names.js';
import type { SlowModeClock } from './slow-mode.js';
import { WRITES, type Write } from './writes.js';

/**
 * Who acts: the member, the rooms their token lets them moderate (none
 * named: every room, when they are a moderator), and the key of the network
 * address they connect from (chat/address.ts), when known.
 */
export interface Actor {
  member: Member;
  rooms?: readonly string[];
  address?: string;
}

/** The admin HTTP API (and the console) acting: a moderator of every room. */
export const ADMIN: Actor = { member: { id: 'admin', name: 'admin', verified: true, role: 'moderator' } };

/** Whether the actor moderates the room: a moderator whose token names the room, or names no rooms. */
export function moderates(actor: Actor, room: string): boolean {
  return actor.member.role === 'moderator' && (actor.rooms === undefined || actor.rooms.includes(room));
}

export const DEFAULT_SETTINGS: Readonly<RoomSettings> = Object.freeze({
  topic: '',
  slowModeSeconds: 0,
  membersOnly: false,
  paused: false,
  pinnedSeq: null,
  blockedWords: [],
});

/** A report as the admin API lists it: the message itself rather than its seq. */
export interface ReportView extends Omit<StoredReport, 'seq'> {
  message: Message;
}

export interface ModerationDeps {
  store: Store;
  broadcast: Broadcaster;
  roster: Roster;
  slowMode: SlowModeClock;
  /** RATE_LIMIT's allowances and the guests' per address, which every write spends, and the report allowances. */
  limits: Limits;
  /** BLOCKED_WORDS_FILE's words, blocked in every room. */
  blockedEverywhere: BlockedWords;
  webhooks: Webhooks;
}

const minutesText = (minutes: number) => `${minutes} min`;
const quote = (text: string) => JSON.stringify(text);

/**
 * Moderation v2, one place each: room settings and what they refuse,
 * bans (with their address bans), reports, and the audit log of every
 * moderator's and admin's action. Socket handlers and the admin HTTP API
 * both call these and only adapt the answers.
 */
export class Moderation {
  /** Each room's blocked words, compiled once per settings version. */
  private readonly compiled = new Map<string, { version: number; words: BlockedWords }>();

  /** When this relay last wrote each verified name it saw join (rememberName). */
  private readonly namesWritten = new Map<string, number>();

  constructor(private readonly deps: ModerationDeps) {}

  // ---- settings

  /**
   * A room's settings, read from the store each time, so that a change on
   * one relay applies on every other at once (only the compiled word list is
   * cached, by the settings' version).
   */
  async settings(room: string): Promise<RoomSettings> {
    return (await this.stored(room)).settings;
  }

  /** What a member is shown of the room on joining: settings (blocked words for its moderators only) and the pinned message. */
  async view(actor: Actor, room: string): Promise<{ settings: RoomSettings; pinned?: Message }> {
    const settings = await this.settings(room);
    return this.shown(settings, room, moderates(actor, room));
  }

  /**
   * `configure`: a moderator of the room changes some settings (the others
   * keep their value); everyone in the room is told with `room`.
   * `patch` is validated by the caller's schema, `pinnedSeq` here.
   */
  async configure(actor: Actor, room: string, patch: Partial<RoomSettings>): Promise<RoomSettings> {
    if (!moderates(actor, room)) throw new ClientError('forbidden', `only moderators of ${room} may configure it`);
    const { store, broadcast } = this.deps;
    if (patch.pinnedSeq !== undefined && patch.pinnedSeq !== null && !(await store.get(room, patch.pinnedSeq))) {
      throw new ClientError('not_found', `${room} has no message ${patch.pinnedSeq}`);
    }
    const { settings: before, version } = await this.stored(room);
    const settings: RoomSettings = { ...before, ...patch };
    if (patch.blockedWords) settings.blockedWords = [...new Set(patch.blockedWords.map((w) => w.trim()))];
    // Against the list the room will have: one sent with the topic counts.
    if (patch.topic) this.checkPhrase(room, settings, patch.blockedWords ? undefined : version, patch.topic, 'topic');
    await store.saveSettings(room, settings);
    broadcast.room(await this.shown(settings, room, false));
    // A pin names its message in the entry's seq, as a deletion does (not read back from the detail, whose topic could say anything).
    const pinned = settings.pinnedSeq !== before.pinnedSeq && settings.pinnedSeq !== null ? { seq: settings.pinnedSeq } : {};
    await this.audit(actor, room, 'configure', { ...pinned, detail: describeChange(before, settings) });
    return settings;
  }

  // ---- writing

  /**
   * The v2 refusals of a member's write (chat/writes.ts), in PROTOCOL.md's
   * order: `paused` (not a moderator), `members_only` (a guest), `slow_mode`
   * (moderators exempt), `blocked` (the text, when the write carries one it
   * has not cleaned yet). The write's own rules come after, then `countWrite`.
   */
  async checkWrite(actor: Actor, room: string, write: Write, text?: string): Promise<RoomSettings> {
    return (await this.admitWrite(actor, room, write, text)).settings;
  }

  /** `checkWrite`, answering the settings it read with their version, for a caller's own check against them. */
  private async admitWrite(actor: Actor, room: string, write: Write, text?: string): Promise<{ settings: RoomSettings; version: number }> {
    const { settings, version } = await this.stored(room);
    const moderator = moderates(actor, room);
    const rules = WRITES[write];
    if (rules.paused && settings.paused && !moderator) throw new ClientError('paused', `${room} is paused: only moderators may write`);
    if (rules.membersOnly && settings.membersOnly && !actor.member.verified) {
      throw new ClientError('members_only', `only signed-in members may write in ${room}`);
    }
    if (settings.slowModeSeconds > 0 && !moderator) {
      const wait = await this.deps.slowMode.wait(slowKeys(actor, room));
      if (wait > 0) throw slowModeError(settings.slowModeSeconds, wait);
    }
    if (text !== undefined) this.checkWords(room, settings, version, text, actor.member.name);
    return { settings, version };
  }

  /**
   * Refuses a text that contains a blocked word (`blocked`, naming no
   * word): the room's list and BLOCKED_WORDS_FILE's; and any text from a
   * member whose name contains one of the room's (a name with one of the
   * file's never gets in). For `send` (through `checkWrite`) and `edit` alike.
   */
  async checkText(author: Member, room: string, text: string): Promise<void> {
    const { settings, version } = await this.stored(room);
    this.checkWords(room, settings, version, text, author.name);
  }

  /**
   * Counts a write that passed every rule: a point of RATE_LIMIT (and of the
   * guest budget of the actor's network), then the slow-mode turn of the
   * member and, for a guest, of their network (refused when another tab or
   * relay took it first). `settings`: those `checkWrite` answered, read once
   * per write.
   */
  async countWrite(actor: Actor, room: string, settings: RoomSettings): Promise<void> {
    await this.deps.limits.spend(actor.member, actor.address);
    if (settings.slowModeSeconds === 0 || moderates(actor, room)) return;
    const wait = await this.deps.slowMode.take(slowKeys(actor, room), settings.slowModeSeconds * 1000);
    if (wait > 0) throw slowModeError(settings.slowModeSeconds, wait);
  }

  // ---- joining

  /**
   * A member joining: answers the ban that refuses them in the room (their
   * own, or for a guest their address's), undefined when none does; the
   * caller refuses the join with `bannedError`, or lets them read. Remembers
   * who joined from where, when not banned, so that a member can be banned
   * after they left.
   */
  async admit(actor: Actor, room: string): Promise<(BanNotice & { until: number }) | undefined> {
    const now = Date.now();
    const ban = await this.banOn(actor, room, now);
    if (ban) return ban;
    // Not waited for: a join must not wait on a write (a locked SQLite file
    // holds writes for seconds), and a member still online is found by their
    // connections anyway. A lost record only means a ban by id after they
    // left covers no address.
    this.deps.store.seen(room, actor.member, actor.address, now).catch(() => {});
    if (actor.member.verified) this.rememberName(actor.member.name, now);
    return undefined;
  }

  /**
   * Remembers a verified member's name (its keys, names.ts), so that no
   * guest takes a look-alike of it for VERIFIED_NAME_DAYS; not waited for,
   * like `seen`, and written at most once an hour per name by each relay:
   * the window is counted in days.
   */
  private rememberName(name: string, now: number): void {
    const written = this.namesWritten.get(name);
    if (written !== undefined && now - written < NAME_REWRITE_MS) return;
    if (this.namesWritten.size >= NAMES_KEPT) this.namesWritten.clear();
    this.namesWritten.set(name, now);
    this.deps.store.rememberVerifiedName(nameKeys(name), now).catch(() => this.namesWritten.delete(name));
  }

  /**
   * The ban that refuses the actor in the room now, with its reason:
   * theirs, or for a guest their address's (verified members are never
   * refused by address: their id is their own); undefined when none does.
   */
  async banOn(actor: Actor, room: string, now = Date.now()): Promise<(BanNotice & { until: number }) | undefined> {
    return this.deps.store.banOf(room, actor.member.id, actor.member.verified ? undefined : actor.address, now);
  }

  // ---- bans

  /**
   * A moderator of the room removes a member from it and refuses them there
   * for `minutes`, and every guest from the addresses they were connected
   * from as long. Moderators cannot be banned. The ban is stored, so it
   * holds across reconnects, restarts and relays.
   */
  async ban(actor: Actor, room: string, memberId: string, minutes: number, reason?: string): Promise<Ban> {
    if (!moderates(actor, room)) throw new ClientError('forbidden', `only moderators of ${room} may ban there`);
    if (memberId === actor.member.id) throw new ClientError('forbidden', 'moderators cannot ban themselves');
    const { store, roster, broadcast } = this.deps;
    const connections = await roster.connections(memberId);
    const seen = await store.lastSeen(room, memberId);
    const member = connections[0]?.member ?? seen?.member ?? unknownMember(memberId);
    if (member.role === 'moderator') throw new ClientError('forbidden', 'moderators cannot be banned');
    const addresses = new Set<string>();
    for (const { address } of connections) if (address) addresses.add(address);
    if (seen?.address) addresses.add(seen.address);

    const ts = Date.now();
    const until = ts + Math.round(minutes * 60_000);
    const ban: Ban & { until: number } = { member, until, by: actor.member, ts };
    if (reason) ban.reason = reason;
    await store.ban(room, ban, [...addresses]);
    await broadcast.banned(room, memberId, reason ? { room, until, reason } : { room, until }, [...addresses]);
    await this.deps.webhooks.enqueue(room, 'member.banned', { room, ...ban });
    await this.audit(actor, room, 'ban', { memberId, detail: reason ? `${minutesText(minutes)}: ${reason}` : minutesText(minutes) });
    // What was reported of them is dealt with: their open reports in the room are resolved.
    await this.settleReports(actor, { room, authorId: memberId }, 'banned');
    return ban;
  }

  /** Lifts a ban (and its address bans); `not_found` when the member is not banned from the room. */
  async unban(actor: Actor, room: string, memberId: string): Promise<void> {
    if (!moderates(actor, room)) throw new ClientError('forbidden', `only moderators of ${room} may unban there`);
    if (!(await this.deps.store.unban(room, memberId, Date.now()))) {
      throw new ClientError('not_found', `${memberId} is not banned from ${room}`);
    }
    await this.deps.broadcast.unbanned(room);
    await this.audit(actor, room, 'unban', { memberId });
  }

  /** The bans in force in a room, newest first (moderators of the room only). */
  async bans(actor: Actor, room: string): Promise<Ban[]> {
    if (!moderates(actor, room)) throw new ClientError('forbidden', `only moderators of ${room} may list its bans`);
    return this.deps.store.bans(room, Date.now());
  }

  // ---- reports

  /**
   * A member reports a message: once per member per message (again is no
   * error, and counts once). A write: against the member's allowances and
   * slow mode, refused neither in a paused room nor to a guest in a
   * members-only one. The room's moderators who are online are told,
   * with how many have reported it.
   */
  async report(actor: Actor, room: string, seq: number, reason?: string): Promise<void> {
    const { store, broadcast, limits } = this.deps;
    // Every attempt counts, before any read: a flood costs the relay as little as it costs the moderators.
    await limits.report(actor.member, actor.address);
    const { settings, version } = await this.admitWrite(actor, room, 'report');
    const message = await store.get(room, seq);
    if (!message || message.deleted) throw new ClientError('not_found', `${room} has no message ${seq}`);
    if (reason) this.checkPhrase(room, settings, version, reason, 'reason');
    await this.countWrite(actor, room, settings);
    const { report, added } = await store.report({ room, seq, reporter: actor.member, reason, ts: Date.now() });
    if (!added) return;
    const event: ReportEvent = { room, message, reporter: actor.member, count: report.count };
    if (reason) event.reason = reason;
    broadcast.report(event);
    // A report as the admin API lists it (the message itself, the reporters and reasons).
    await this.deps.webhooks.enqueue(room, 'report.created', { ...(await this.withMessage(report)) });
  }

  /**
   * A page of reports, newest first, of one room or all, of one status or
   * both, each with its message, and how many the filter holds in all;
   * older than the report `before` when given (`not_found` when there is
   * none such).
   */
  async reports(filter: ReportFilter, page: { before?: string; limit: number }): Promise<{ reports: ReportView[]; total: number; hasMore: boolean }> {
    const found = await this.deps.store.reports(filter, page);
    if (!found) throw new ClientError('not_found', `no report ${page.before}`);
    return { ...found, reports: await Promise.all(found.reports.map((report) => this.withMessage(report))) };
  }

  /**
   * `resolve`: a moderator of the room dismisses the report of a message;
   * `not_found` when it has none. Resolving one already resolved is no
   * error and tells nobody again.
   */
  async resolve(actor: Actor, room: string, seq: number): Promise<void> {
    if (!moderates(actor, room)) throw new ClientError('forbidden', `only moderators of ${room} may resolve its reports`);
    const [found] = await this.settleReports(actor, { room, seq }, 'dismissed');
    if (!found) throw new ClientError('not_found', `no report of message ${seq} in ${room}`);
  }

  /** The admin API's resolve (by the report's id), as `resolve`; `not_found` when there is none such. */
  async resolveReport(actor: Actor, id: string): Promise<ReportView> {
    const [found] = await this.settleReports(actor, { id }, 'dismissed');
    if (!found) throw new ClientError('not_found', `no report ${id}`);
    return this.withMessage(found);
  }

  /**
   * Resolves the reports `where` names (chat.ts: a deleted message's; `ban`:
   * the banned author's), recording who and how; each one that was open is
   * told to the room's moderators (`reportResolved`), and a dismissal is
   * audited (a deletion or a ban is audited as itself). Answers the reports
   * named.
   */
  async settleReports(actor: Actor, where: ReportTarget, how: ResolvedHow): Promise<StoredReport[]> {
    const settled = await this.deps.store.resolveReports(where, { by: actor.member, how, ts: Date.now() });
    for (const { report, changed } of settled) {
      if (!changed) continue;
      this.deps.broadcast.reportResolved({ room: report.room, seq: report.seq, by: actor.member, how });
      if (how === 'dismissed') await this.audit(actor, report.room, 'resolve_report', { seq: report.seq, detail: report.id });
    }
    return settled.map(({ report }) => report);
  }

  // ---- audit

  /** Records a moderator's or admin's action. */
  async audit(actor: Actor, room: string, action: AuditAction, about: { memberId?: string; seq?: number; detail?: string } = {}) {
    return this.deps.store.audit({ room, ts: Date.now(), actor: actor.member, action, ...about });
  }

  /**
   * A room's audit entries, newest first, older than the entry `before`
   * when given; with `named`, each names whom it was about (`member`, as the
   * room last saw them), so a log reads "Olivia banned Gus", not an id.
   * Looked up when read rather than stored, so entries written before this
   * still gain their names: a member or message read once per page. Only
   * when asked: v2 clients read entries of v2 fields.
   */
  async auditLog(room: string, before: number | undefined, limit: number, named = false): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
    const { store } = this.deps;
    const page = await store.auditLog(room, before, limit);
    if (!named) return page;
    const members = new Map<string, Promise<Member | undefined>>();
    const authors = new Map<number, Promise<Member | undefined>>();
    const memberOf = (id: string) =>
      members.get(id) ?? members.set(id, store.lastSeen(room, id).then((seen) => seen?.member)).get(id)!;
    const authorOf = (seq: number) =>
      authors.get(seq) ?? authors.set(seq, store.get(room, seq).then((m) => (m && m.author.id ? m.author : undefined))).get(seq)!;
    const entries = await Promise.all(
      page.entries.map(async (entry) => {
        const { seq } = entry;
        const member = entry.memberId ? await memberOf(entry.memberId) : seq !== undefined ? await authorOf(seq) : undefined;
        return { ...entry, ...(member ? { member } : {}) };
      }),
    );
    return { ...page, entries };
  }

  // ---- inside

  private async stored(room: string): Promise<{ settings: RoomSettings; version: number }> {
    const stored = await this.deps.store.settings(room);
    return stored ? { settings: { ...DEFAULT_SETTINGS, ...stored.settings }, version: stored.version } : { settings: { ...DEFAULT_SETTINGS }, version: 0 };
  }

  private checkWords(room: string, settings: RoomSettings, version: number, text: string, name: string): void {
    const own = this.roomWords(room, settings, version);
    const { blockedEverywhere } = this.deps;
    if (own.size === 0 && blockedEverywhere.size === 0) return;
    const folded = words(text);
    if (own.matches(folded) || blockedEverywhere.matches(folded)) throw blockedError('text');
    if (own.blocks(name)) throw blockedError('name');
  }

  /**
   * Refuses a topic or a report's reason holding a word blocked in the room
   * or everywhere (`blocked`). The room's list is `settings`' as already
   * read, compiled once per `version`; `version` undefined: a list not
   * stored yet, compiled for this check.
   */
  private checkPhrase(room: string, settings: RoomSettings, version: number | undefined, phrase: string, what: 'topic' | 'reason'): void {
    const own = version === undefined ? new BlockedWords(settings.blockedWords) : this.roomWords(room, settings, version);
    if (own.blocks(phrase) || this.deps.blockedEverywhere.blocks(phrase)) throw blockedError(what);
  }

  private roomWords(room: string, settings: RoomSettings, version: number): BlockedWords {
    if (settings.blockedWords.length === 0) return NO_BLOCKED_WORDS;
    const cached = this.compiled.get(room);
    if (cached?.version === version) return cached.words;
    const compiled = new BlockedWords(settings.blockedWords);
    this.compiled.set(room, { version, words: compiled });
    return compiled;
  }

  /** Settings as shown: blocked words to moderators only; with the pinned message, if any. */
  private async shown(settings: RoomSettings, room: string, moderator: boolean) {
    const view: { room: string; settings: RoomSettings; pinned?: Message } = {
      room,
      settings: moderator ? settings : { ...settings, blockedWords: [] },
    };
    if (settings.pinnedSeq !== null) {
      const pinned = await this.deps.store.get(room, settings.pinnedSeq);
      if (pinned) view.pinned = pinned;
    }
    return view;
  }

  private async withMessage({ seq, ...report }: StoredReport): Promise<ReportView> {
    const message = (await this.deps.store.get(report.room, seq)) ?? lostMessage(report.room, seq);
    return { ...report, message };
  }
}

/**
 * The slow-mode turns a write takes: the member's in the room and, for a
 * guest, their network's (a new name or clientId makes a new member, not a
 * new network). Member ids hold no control character, so the two never meet.
 */
function slowKeys({ member, address }: Actor, room: string): string[] {
  const own = `${room}\n${member.id}`;
  return member.verified || !address ? [own] : [own, `${room}\naddress\n${address}`];
}

/** The refusal of a text holding a blocked word: it says where, never which word. */
function blockedError(what: 'text' | 'name' | 'topic' | 'reason'): ClientError {
  const where = { text: 'the text contains', name: 'your name contains', topic: 'the topic contains', reason: 'the reason contains' }[what];
  return new ClientError('blocked', `${where} a word this room does not allow`);
}

/** A verified name is written again after an hour at most (its window is VERIFIED_NAME_DAYS). */
const NAME_REWRITE_MS = 60 * 60 * 1000;
/** How many verified names a relay remembers having written, before it starts again (a few MB at most). */
const NAMES_KEPT = 50_000;

function slowModeError(seconds: number, wait: number): ClientError {
  return new ClientError('slow_mode', `slow mode: one message every ${seconds} s; retry in ${Math.ceil(wait / 1000)} s`, Math.ceil(wait));
}

/** The refusal of a banned member's join: until when, and why when the moderator said. */
export function bannedError(room: string, ban: BanNotice): ClientError {
  const retryAfterMs = ban.until === null ? undefined : Math.max(0, ban.until - Date.now());
  return new ClientError('banned', `you are banned from ${room}`, retryAfterMs, ban);
}

/** A member banned by id who was never seen in the room: what the ban list can say of them. */
function unknownMember(id: string): Member {
  return { id, name: id, verified: !id.startsWith('guest:') };
}

/** A reported message no longer stored (retention): blank, as deleted. */
function lostMessage(room: string, seq: number): Message {
  return { id: '', room, seq, text: '', author: unknownMember(''), ts: 0, deleted: true, rev: 0 };
}

/** What `configure` changed, for the audit log: `topic="…", paused=true`, blocked words counted, never listed. */
function describeChange(before: RoomSettings, after: RoomSettings): string {
  const changes: string[] = [];
  for (const key of Object.keys(after) as (keyof RoomSettings)[]) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    if (key === 'blockedWords') changes.push(`blockedWords=${after.blockedWords.length} entries`);
    else if (key === 'topic') changes.push(`topic=${quote(after.topic)}`);
    else changes.push(`${key}=${String(after[key])}`);
  }
  return changes.join(', ') || 'no change';
}
