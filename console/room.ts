import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Ban, Message } from '../protocol/index.js';
import type { AdminApi, AuditEntry } from './api.js';
import '../ui/settings-form.js';
import type { SettingsSubmitEvent } from '../ui/settings-form.js';
import { act, RoomChangedEvent } from './events.js';
import './audit-log.js';
import './bans.js';
import './message-actions.js';
import { ConsolePart } from './part.js';
import { RoomConnection } from './room-connection.js';
import { when } from './time.js';

/** Audit entries shown beside a room. */
const AUDIT_SHOWN = 20;

/**
 * One room: its messages live (each with the moderator's actions), its
 * settings, bans and audit log. The side (settings, bans, log) comes from
 * the admin API, loaded again after each action.
 */
export class ConsoleRoom extends ConsolePart {
  static override properties = {
    http: { attribute: false },
    server: {},
    room: {},
    bans: { state: true },
    audit: { state: true },
  };
  declare http: AdminApi;
  /** Where the relay's Socket.IO is. */
  declare server: string;
  declare room: string;
  declare bans: Ban[];
  declare audit: AuditEntry[];

  readonly #live = new RoomConnection(this, {
    room: () => this.room,
    server: () => this.server,
    ticket: () => this.http.ticket(),
  });
  /** The room whose side is loaded or loading; none while the view is off the page. */
  #sideOf?: string;
  /** The messages last rendered, and whether the list showed its newest then: it then follows the new ones. */
  #shown: Message[] = [];
  #atNewest = true;
  /** The message whose button is the list's Tab stop: the last one focused, else the newest. */
  #current?: number;

  constructor() {
    super();
    this.bans = [];
    this.audit = [];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#sideOf = undefined;
  }

  // A room opened (or opened again) loads its side afresh.
  override willUpdate(): void {
    if (this.room !== this.#sideOf) {
      this.#sideOf = this.room;
      this.bans = [];
      this.audit = [];
      void this.#loadSide(this.room).catch(() => {});
    }
    // A moderator watching a busy room sees the newest message, as in a chat;
    // one who scrolled up to read is left where they are.
    if (this.#live.messages !== this.#shown) {
      const list = this.querySelector('ul.messages');
      this.#atNewest = !list || list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    }
  }

  override async updated(): Promise<void> {
    if (this.#live.messages === this.#shown) return;
    this.#shown = this.#live.messages;
    const list = this.querySelector('ul.messages');
    if (!this.#atNewest || !list) return;
    // Each message's actions render just after this view: the list has its full height then.
    await Promise.all([...list.querySelectorAll('live-chat-console-message-actions')].map((actions) => actions.updateComplete));
    list.scrollTo({ top: list.scrollHeight });
  }

  async #loadSide(room: string): Promise<void> {
    const [settings, bans, entries] = await Promise.all([this.http.settings(room), this.http.bans(room), this.http.audit(room, AUDIT_SHOWN)]);
    if (this.room !== room) return;
    this.#live.settings = settings;
    this.bans = bans;
    this.audit = entries;
  }

  /** The settings form was saved: sends what changed, then shows the relay's answer. */
  #configure(event: SettingsSubmitEvent) {
    const room = this.room;
    const form = event.target as Element;
    return act(form, 'Settings saved.', async () => {
      const settings = await this.http.configure(room, event.settings);
      form.dispatchEvent(new RoomChangedEvent(room, 'settings', settings));
    });
  }

  #changed(event: RoomChangedEvent): void {
    if (event.room !== this.room) return;
    if (event.settings) {
      this.#live.settings = event.settings;
      this.requestUpdate();
    }
    void this.#loadSide(this.room).catch(() => {});
  }

  #focusIn(event: FocusEvent): void {
    const seq = Number((event.target as Element).closest('li')?.dataset.seq);
    if (seq && seq !== this.#current) {
      this.#current = seq;
      this.requestUpdate();
    }
  }

  override render() {
    const room = this.room;
    const { messages, settings, live } = this.#live;
    const current = messages.some((m) => m.seq === this.#current && !m.deleted) ? this.#current : messages.findLast((m) => !m.deleted)?.seq;
    return html`<div class="grid" @live-chat-console-room-changed=${this.#changed}>
      <section aria-labelledby="room-title">
        <h2 id="room-title">${room} <span class="muted">${live ? '· live' : '· connecting…'}</span></h2>
        ${settings?.topic ? html`<p class="muted">Topic: <bdi>${settings.topic}</bdi></p>` : nothing}
        <ul class="messages" aria-label="Messages" @focusin=${this.#focusIn}>
          ${repeat(messages, (m) => m.seq, (m) => this.#renderMessage(m, settings?.pinnedSeq === m.seq, m.seq === current))}
        </ul>
        ${messages.length === 0
          ? html`<p class="muted">No messages yet.</p>`
          : html`<p class="muted keys">
              Keys on a message’s actions button: the arrows move, <kbd>P</kbd> pins, <kbd>Del</kbd> deletes, <kbd>B</kbd> bans, <kbd>Enter</kbd>
              shows them all.
            </p>`}
      </section>
      <div>
        ${settings
          ? html`<live-chat-settings-form class="card" heading="Settings" .settings=${settings} @live-chat-settings-submit=${this.#configure}></live-chat-settings-form>`
          : nothing}
        <live-chat-console-bans .http=${this.http} .room=${room} .bans=${this.bans}></live-chat-console-bans>
        <live-chat-console-audit-log .entries=${this.audit}></live-chat-console-audit-log>
      </div>
    </div>`;
  }

  // One line a message: who and what, then its marks and time, then its one button (console/message-actions.ts).
  #renderMessage(m: Message, pinned: boolean, current: boolean) {
    return html`<li class="message${m.deleted ? ' deleted' : ''}${pinned ? ' pinned' : ''}" data-seq=${m.seq}>
      <div class="text" dir="auto"><strong class="author"><bdi>${m.author.name}</bdi></strong>${' '}${m.deleted ? html`<em>deleted</em>` : m.text}</div>
      <div class="meta">
        ${pinned ? html`<span class="badge">pinned</span>` : nothing}${m.author.verified ? nothing : html`<span class="badge quiet-badge">guest</span>`}
        <span class="seq">#${m.seq}</span> ${when(m.ts)}
      </div>
      ${m.deleted
        ? nothing
        : html`<live-chat-console-message-actions
            .http=${this.http}
            .room=${this.room}
            .message=${m}
            .pinned=${pinned}
            .tabbable=${current}
          ></live-chat-console-message-actions>`}
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-room': ConsoleRoom;
  }
}

if (!customElements.get('live-chat-console-room')) customElements.define('live-chat-console-room', ConsoleRoom);
