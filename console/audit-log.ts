import { html, nothing, type TemplateResult } from 'lit';
import type { Member } from '../protocol/index.js';
import { SETTINGS } from '../ui/settings-form.js';
import type { AuditEntry } from './api.js';
import { ConsolePart } from './part.js';
import { when } from './time.js';

/** A name as the log writes it, isolated from the text around it (a right-to-left name stays put). */
const who = (member: Member) => html`<bdi>${member.name}</bdi>`;
/** "Gus's message", or "a message" when the log cannot say whose. */
const messageOf = (member: Member | undefined) => (member ? html`${who(member)}’s message` : 'a message');
/** A member acted on: their name, or what the id says of them (the relay names everyone it has seen). */
const subject = (e: AuditEntry) => (e.member ? who(e.member) : e.memberId?.startsWith('guest:') ? 'a guest' : html`<bdi>${e.memberId ?? 'someone'}</bdi>`);

/** A ban's length as the relay records it ("10 min"), in words: "10 minutes", "1 hour", "7 days". */
function length(minutes: number): string {
  // As the ban dialog offers them: a day is "24 hours", a week "7 days".
  const [n, unit] = minutes % 1440 === 0 && minutes > 1440 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** `key=value` parts of a `configure` entry's detail, as the relay writes it (`topic="…", paused=true`). */
function changes(detail: string): [string, string][] {
  return [...detail.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g)].map((m) => [m[1]!, m[2]!]);
}

/** One change of a room's settings as a phrase: "paused the room", "set the topic to “Be kind”". */
function change(e: AuditEntry, key: string, value: string): TemplateResult | string {
  switch (key) {
    case 'pinnedSeq':
      return value === 'null' ? 'unpinned the pinned message' : html`pinned ${messageOf(e.member)}`;
    case 'topic': {
      const topic = JSON.parse(value) as string;
      return topic ? html`set the topic to “<bdi>${topic}</bdi>”` : 'cleared the topic';
    }
    case 'paused':
      return value === 'true' ? 'paused the room' : 'let the room talk again';
    case 'membersOnly':
      return value === 'true' ? 'made the room members only' : 'opened the room to guests';
    case 'slowModeSeconds':
      return value === '0' ? 'turned slow mode off' : `set slow mode to ${value} s`;
    case 'blockedWords':
      return `changed the blocked words (${value.replace(' entries', ' now')})`;
    default: {
      const label = SETTINGS.find((s) => s.key === key)?.label.en ?? key;
      return `set “${label}” to ${value}`;
    }
  }
}

/** What an entry says, as a sentence after its actor's name: "banned Gus for 10 minutes: spam". */
function action(e: AuditEntry): TemplateResult | string {
  switch (e.action) {
    case 'delete':
      return html`deleted ${messageOf(e.member)}`;
    case 'ban': {
      const found = /^(\d+(?:\.\d+)?) min(?:: ([\s\S]*))?$/.exec(e.detail ?? '');
      const reason = found?.[2];
      return html`banned ${subject(e)}${found ? ` for ${length(Number(found[1]))}` : ''}${reason ? ': ' : ''}${reason ? html`<bdi>${reason}</bdi>` : nothing}`;
    }
    case 'unban':
      return html`lifted the ban on ${subject(e)}`;
    case 'resolve_report':
      return html`resolved the report of ${messageOf(e.member)}`;
    case 'configure': {
      const parts = changes(e.detail ?? '');
      if (parts.length === 0) return 'saved the settings, unchanged';
      return html`${parts.map(([key, value], i) => html`${i === 0 ? '' : i === parts.length - 1 ? ' and ' : ', '}${change(e, key, value)}`)}`;
    }
    default:
      // An action this console does not know yet (a newer relay): as the relay names it.
      return String(e.action).replace(/_/g, ' ');
  }
}

/** A room's audit log, newest first: who did what to whom, as a sentence, and how long ago. */
export class ConsoleAuditLog extends ConsolePart {
  static override properties = { entries: { attribute: false } };
  declare entries: AuditEntry[];

  constructor() {
    super();
    this.entries = [];
  }

  // Separators are plain strings: the build's minifier trims a nested template's edges.
  override render() {
    return html`<section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      ${this.entries.length === 0
        ? html`<p class="muted">Nothing yet.</p>`
        : html`<ul class="audit">
            ${this.entries.map((e) => html`<li data-audit=${e.id}><span>${who(e.actor)}${' '}${action(e)}</span>${' '}${when(e.ts)}</li>`)}
          </ul>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-audit-log': ConsoleAuditLog;
  }
}

if (!customElements.get('live-chat-console-audit-log')) customElements.define('live-chat-console-audit-log', ConsoleAuditLog);
