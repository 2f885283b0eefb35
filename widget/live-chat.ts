import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ErrorBody, Message } from '../protocol/index.js';
import { BADGE_SYMBOLS, MAX_NAME_LENGTH } from '../protocol/limits.js';
import { ChatController } from './chat-controller.js';
import { ComposerController, type ComposerView } from './controllers/composer.js';
import { ScrollController } from './controllers/scroll.js';
import {
  LiveChatConnectEvent,
  LiveChatDisconnectEvent,
  LiveChatErrorEvent,
  LiveChatMentionEvent,
  LiveChatMessageEvent,
  LiveChatSigninEvent,
  LiveChatUnreadEvent,
} from './events.js';
import { fullTime, timeKey } from './format.js';
import { loadLanguage, pickLanguage, strings, type Strings } from './i18n.js';
import { scriptRelay } from './relay-url.js';
import { loadModerator, type ModeratorView, type ModeratorWidget } from './moderator-hook.js';
import { renderMembers } from './members.js';
import { mentionsMe, renderMessage, renderOutgoing } from './message-row.js';
import type { Rows } from './rows.js';
import { remember, recall } from './storage.js';
import { styles } from './live-chat.styles.js';

/** What the element hands its parts (#parts): the message rows and menus, the composer, the moderator script. */
type Parts = Rows & ModeratorWidget & ComposerView;
/** What the parts show, set at each update (willUpdate); the rest is what they do. */
type Shown = Pick<Rows, 'composer' | 't' | 'lang' | 'now' | 'menu' | 'step' | 'mod'>;

export type Mode = 'inline' | 'launcher';
export type Theme = 'light' | 'dark' | 'auto';
export type Density = 'comfortable' | 'compact';

/** How long the status line keeps saying what a moderation did. */
const NOTICE_MS = 8000;
/** Where the panel fills the screen (launcher mode), and so holds the focus while open. */
const PHONE = '(max-width: 480px)';

/**
 * A real-time chat box for one room of a live-chat relay.
 *
 * @attr room - The room to join (`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$`). Required.
 * @attr server - The relay's URL. Defaults to the origin `live-chat.js` was loaded from.
 * @attr name - The visitor's display name (longer than 32 characters: shortened). Without it (or a token) the widget asks for a nickname before the first send; if the relay refuses it, the visitor reads and is asked for another.
 * @attr token - A JWT signed by the host site (HS256, the relay's JWT_SECRET): a verified identity; wins over `name`. Expired or refused: the visitor reads, and is offered "Sign in again".
 * @attr signin-url - Where "Sign in" (members-only rooms, an expired token) takes the visitor when no handler of `live-chat-signin` calls `preventDefault()`.
 * @attr mode - `inline` (fills its box, the default) or `launcher` (a floating button that opens a chat panel).
 * @attr theme - `light` (default), `dark`, or `auto` (follows the visitor's colour scheme).
 * @attr lang - `en` or `fr`; defaults to the nearest `lang` attribute, then English.
 * @attr title - The name shown in the header (and naming the panel); defaults to the room's topic, then `#room`.
 * @attr density - `comfortable` (the default: the name above the text) or `compact` (a line a message, the name before the text, as live-stream chats; on a touch screen a tap on a message opens its menu).
 *
 * @fires live-chat-message - A message arrived (`event.message`); also the visitor's own once stored.
 * @fires live-chat-connect - Joined the room (after every connect and reconnect).
 * @fires live-chat-disconnect - The connection dropped (or the browser went offline, or the relay stopped answering); it comes back by itself.
 * @fires live-chat-unread - The unread count changed (`event.count`): messages that arrived while the launcher was closed (kept across reloads once the visitor has opened it).
 * @fires live-chat-error - The relay refused something (`event.error.code`, `event.error.message`).
 * @fires live-chat-mention - A message that mentions the visitor arrived (`event.message`).
 * @fires live-chat-signin - The visitor pressed "Sign in" (a members-only room) or "Sign in again" (an expired token): show your sign-in, then set `token`. Cancelable: `preventDefault()` keeps the widget from going to `signin-url`.
 *
 * @csspart launcher - The floating button (launcher mode).
 * @csspart badge - The unread count on the launcher (`@` first when someone mentioned the visitor).
 * @csspart panel - The chat box.
 * @csspart header - The top bar with the room name and status.
 * @csspart title - The name in the header: `title`, else the room's topic (then also `topic`), else `#room`.
 * @csspart topic - The room's topic, under the title.
 * @csspart rules - The room's rules in the header, for everyone: slow mode, members only, paused.
 * @csspart rule - One of them, a chip.
 * @csspart pinned - The pinned message, a banner that folds.
 * @csspart close - The header's close button (launcher mode).
 * @csspart status - The connection status and online count (a button that shows who is here).
 * @csspart members - The list of people here (named members; readers without a name are counted).
 * @csspart messages - The message list (one Tab stop; arrow keys move between messages).
 * @csspart day - A day separator in the message list.
 * @csspart message - One message; also `mention` when it names the visitor.
 * @csspart mention - A message that mentions the visitor.
 * @csspart reply-quote - The message a reply answers, compact; a button that shows it.
 * @csspart avatar - An author's picture (the token's https `avatar`), or coloured initials.
 * @csspart author - A message's author name.
 * @csspart verified - The badge of a verified (signed-in) author, drawn by the widget.
 * @csspart moderator - The badge of a moderator.
 * @csspart guest - The "guest" tag after a guest's name (not signed in: the name is theirs to choose).
 * @csspart time - A message's time.
 * @csspart text - A message's text.
 * @csspart edited - The "(edited)" marker.
 * @csspart reactions - A message's reactions.
 * @csspart reaction - One reaction and its count (a toggle; the visitor's own pressed).
 * @csspart more - A message's "⋯" button, which opens its menu.
 * @csspart message-menu - A message's menu: react, reply, edit, delete (confirmed), report; moderators' actions. Its items are 44×44 px on touch screens; destructive ones red.
 * @csspart new-messages - The "New messages" button shown while reading older ones.
 * @csspart typing - The "… is typing" line.
 * @csspart composer - The form at the bottom.
 * @csspart context - Above the field: the message being answered or edited (Escape cancels).
 * @csspart mentions - The members offered after `@` (arrows, Enter or Tab, or a tap).
 * @csspart input - The message (or nickname) field.
 * @csspart send - The send button.
 * @csspart counter - The length counter, shown near the longest message allowed.
 * @csspart banned - The notice shown instead of the composer to a banned visitor, who still reads the room: why, and until when; it goes when the ban is over.
 * @csspart notice - Shown instead of the composer when the room is paused, to a guest in a members-only room, or when the relay refused the visitor's token.
 *
 * @cssprop --live-chat-font - Font family (the page's by default).
 * @cssprop --live-chat-font-size - Base font size (14px).
 * @cssprop --live-chat-fg - Text colour.
 * @cssprop --live-chat-bg - Background colour.
 * @cssprop --live-chat-header-bg - Header background.
 * @cssprop --live-chat-header-fg - Header text and close button.
 * @cssprop --live-chat-border - Border colour.
 * @cssprop --live-chat-radius - Corner radius of the box (controls get half).
 * @cssprop --live-chat-muted - Secondary text (times, status).
 * @cssprop --live-chat-accent - Send button, launcher, links and focus ring.
 * @cssprop --live-chat-accent-fg - Text on the accent colour.
 * @cssprop --live-chat-author - Other people's names.
 * @cssprop --live-chat-own-author - The visitor's own name.
 * @cssprop --live-chat-error - Failed sends.
 * @cssprop --live-chat-input-bg - Field background.
 * @cssprop --live-chat-online - Status dot when connected.
 * @cssprop --live-chat-offline - Status dot when offline.
 * @cssprop --live-chat-panel-width - Launcher panel width (370px).
 * @cssprop --live-chat-panel-height - Launcher panel height (560px).
 * @cssprop --live-chat-offset - Launcher distance from the viewport's corner (20px).
 * @cssprop --live-chat-z-index - Launcher stacking order (2147483000).
 */
export class LiveChat extends LitElement {
  static override styles = styles;
  // Declared here rather than with decorators: the decorator helpers cost
  // every visitor ~0.5 KB gzip. `state: true` ones are internal.
  static override properties = {
    room: { reflect: true },
    server: {},
    name: {},
    token: {},
    signinUrl: { attribute: 'signin-url' },
    mode: { reflect: true },
    theme: { reflect: true },
    lang: {},
    title: {},
    density: { reflect: true },
    opened: { state: true },
    unread: { state: true },
    showMembers: { state: true },
    now: { state: true },
    menu: { state: true },
    step: { state: true },
    notice: { state: true },
    renaming: { state: true },
    nameError: { state: true },
  };

  room = '';
  server?: string;
  name?: string;
  token?: string;
  signinUrl?: string;
  mode: Mode = 'inline';
  theme: Theme = 'light';
  override lang = '';
  override title = '';
  density: Density = 'comfortable';

  /** Launcher mode: whether the panel is open (remembered per room). */
  private opened = false;
  private unread = 0;
  private showMembers = false;
  private now = Date.now();
  /** The message whose menu is open, and how far the visitor went in it (a confirmation, the ban form). */
  private menu?: number;
  private step?: string;
  /** What the last moderation did, for the status line. */
  private notice = '';
  /** The visitor is choosing a new nickname. */
  private renaming = false;
  /** Why the nickname prompt refused what was typed (the contract's rules, checked here first). */
  private nameError?: 'badge' | 'invisible';
  /** The nickname the visitor chose, until the relay lets them in under it. */
  #awaited?: string;
  /** Messages that mention the visitor among the unread. */
  #unreadMentions = 0;
  /** The moderator script's part, once loaded (moderators only). */
  #mod?: ModeratorView;

  get #launcher() {
    return this.renderRoot.querySelector<HTMLElement>('[part=launcher]');
  }

  private readonly chat = new ChatController(this, {
    message: (message) => this.#onMessage(message),
    connected: () => {
      this.#recount();
      if (this.chat.self?.name === this.#displayName) this.#joinedAs();
      this.dispatchEvent(new LiveChatConnectEvent());
    },
    disconnected: () => this.dispatchEvent(new LiveChatDisconnectEvent()),
    error: (error: ErrorBody) => this.dispatchEvent(new LiveChatErrorEvent(error)),
    report: (event) => this.#mod?.report(event),
  });
  readonly #scroll = new ScrollController(this, this.chat);
  /** The element as its parts see it: the message rows and menus, the composer, the moderator script. */
  readonly #parts = {
    el: this,
    chat: this.chat,
    scroll: this.#scroll,
    openMenu: (seq: number) => {
      this.menu = this.menu === seq ? undefined : seq;
      this.step = undefined;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part=message-menu] button')?.focus());
    },
    closeMenu: () => {
      const article = this.renderRoot.querySelector<HTMLElement>('[part=message-menu]')?.closest('article');
      this.menu = this.step = undefined;
      article?.focus();
    },
    setStep: (step: string) => {
      this.step = step;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part=message-menu] :is(select, button)')?.focus());
    },
    /** Says what an action did, in the status line, for a while. */
    say: (notice: string) => {
      this.notice = notice;
      setTimeout(() => this.notice === notice && (this.notice = ''), NOTICE_MS);
    },
    // What they show is set at each update (willUpdate).
  } as Omit<Parts, keyof Shown> as Parts;
  readonly #composer = new ComposerController(this, this.chat, this.#parts);
  #clock?: ReturnType<typeof setInterval>;

  /** The language and its strings, settled once per update (not once per message). */
  #language = 'en';
  #t: Strings = strings.en!;

  get #displayName(): string | undefined {
    return this.chat.self?.verified ? this.chat.self.name : this.chat.guestName;
  }

  get #isOpen(): boolean {
    return this.mode !== 'launcher' || this.opened;
  }

  /** Sends a message as the visitor, as if typed. */
  send(text: string): void {
    const trimmed = text.trim();
    if (!trimmed) return;
    this.#scroll.stick = true;
    this.#composer.send(trimmed);
  }

  /** Opens the launcher's panel (no effect inline). */
  open(): void {
    this.#setOpen(true);
  }

  /** Closes the launcher's panel. */
  close(): void {
    this.#setOpen(false);
  }

  /** Opens the launcher's panel if closed, closes it if open. */
  toggle(): void {
    this.#setOpen(!this.opened);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Relative times ("3 min ago") move on.
    this.#clock = setInterval(() => (this.now = Date.now()), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
  }

  /**
   * Bursts (a busy room) render once per animation frame, not once per
   * message; and never in English on a page in another language, whose
   * strings are still on their way.
   */
  protected override async scheduleUpdate(): Promise<void> {
    await new Promise(requestAnimationFrame);
    const lang = pickLanguage(this);
    if (!strings[lang]) await loadLanguage(this.server || scriptRelay, lang);
    super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('room')) this.opened = recall(`open:${this.room}`) === '1';
    this.#language = pickLanguage(this);
    this.#t = strings[this.#language] ?? strings.en!;
    const self = this.chat.self;
    if (self?.role === 'moderator' && !this.#mod) this.#loadModerator();
    Object.assign<Parts, Shown>(this.#parts, {
      composer: this.#composer,
      t: this.#t,
      lang: this.#language,
      now: this.now,
      menu: this.menu,
      step: this.step,
      mod: this.#mod,
    });
  }

  /** A moderator signed in: their tools come from the relay, once per page. */
  #loadModerator(): void {
    this.#mod = { menu: () => nothing, header: () => nothing, panel: () => nothing, report: () => {} };
    loadModerator(this.server || scriptRelay).then(({ factory, sheet }) => {
      const root = this.shadowRoot!;
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      this.#mod = factory(this.#parts);
      this.requestUpdate();
    }, () => {});
  }

  #setOpen(open: boolean): void {
    if (this.mode !== 'launcher' || open === this.opened) return;
    this.opened = open;
    remember(`open:${this.room}`, open ? '1' : '0');
    // What the visitor saw: after a reload, what came after it is unread.
    if (!open) remember(`seen:${this.room}`, `${this.chat.lastSeq}`);
    if (open) {
      this.unread = this.#unreadMentions = 0;
      this.#scroll.stick = true;
      this.dispatchEvent(new LiveChatUnreadEvent(0));
      // The visitor asked for the panel: take them to the field.
      void this.updateComplete.then(() => this.#composer.focus());
    } else {
      void this.updateComplete.then(() => this.#launcher?.focus());
    }
  }

  /**
   * Once the visitor has opened the launcher, the unread after a (re)join
   * are the messages held after the last one they saw (the stored seq: a
   * join holds the last 50), so a reload keeps the badge, its `@` included.
   */
  #recount(): void {
    const seen = Number(recall(`seen:${this.room}`));
    if (this.#isOpen || !(seen >= 0)) return;
    const { messages, self } = this.chat;
    const news = messages.filter((m) => m.seq > seen && m.author.id !== self?.id);
    this.#unreadMentions = news.filter((m) => mentionsMe(m, self)).length;
    if (news.length !== this.unread) this.dispatchEvent(new LiveChatUnreadEvent((this.unread = news.length)));
  }

  #onMessage(message: Message): void {
    this.dispatchEvent(new LiveChatMessageEvent(message));
    if (message.author.id === this.chat.self?.id) return;
    const mentioned = mentionsMe(message, this.chat.self);
    if (mentioned) this.dispatchEvent(new LiveChatMentionEvent(message));
    if (!this.#isOpen) {
      if (mentioned) this.#unreadMentions++;
      this.unread++;
      this.dispatchEvent(new LiveChatUnreadEvent(this.unread));
    } else this.#scroll.arrived();
  }


  #submitNickname(event: Event): void {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('nickname') as HTMLInputElement;
    const name = input.value.normalize('NFC').trim();
    // The contract's rules a visitor may break by typing, checked here: a
    // badge (BADGE_SYMBOLS, the relay's own list), an invisible character
    // (a subset of what the relay refuses: never a name it would take).
    this.nameError = BADGE_SYMBOLS.test(name) ? 'badge' : /[\p{Cc}\p{Cf}]/u.test(name.replace(/\u200D/g, '')) ? 'invisible' : undefined;
    if (this.nameError) return;
    // The relay has the last word (look-alikes of verified names only it
    // knows): the prompt stays open until it lets the visitor in under the
    // name (#joinedAs), or says why not.
    this.renaming = name !== this.chat.guestName;
    this.#awaited = name;
    this.chat.setNickname(name);
    this.#joinedAs();
  }

  /** Joined: under the name the visitor just chose, the composer takes over from the prompt. */
  #joinedAs(): void {
    if (this.#awaited !== this.#displayName) return;
    this.renaming = false;
    this.#awaited = undefined;
    void this.updateComplete.then(() => this.#composer.focus());
  }

  #onKeydownPanel(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.menu !== undefined) {
      this.#parts.closeMenu();
    } else if (event.key === 'Escape' && this.mode === 'launcher') {
      this.close();
    } else if (event.key === 'Tab' && this.mode === 'launcher' && matchMedia(PHONE).matches) {
      // The full-screen panel is modal: Tab cycles inside it.
      const focusable = [...this.renderRoot.querySelectorAll<HTMLElement>('.box :is(button, textarea, input, select, a, [tabindex="0"]):not(:disabled)')];
      const edge = focusable[event.shiftKey ? 0 : focusable.length - 1];
      if (this.shadowRoot!.activeElement === edge) {
        event.preventDefault();
        focusable[event.shiftKey ? focusable.length - 1 : 0]?.focus();
      }
    }
  }

  /** "Sign in": the page's sign-in, or `signin-url` when no handler took it. */
  #signin(): void {
    const url = this.signinUrl;
    if (this.dispatchEvent(new LiveChatSigninEvent()) && url) location.assign(url);
  }

  #rename(): void {
    this.showMembers = false;
    this.renaming = true;
  }

  override render() {
    if (this.mode !== 'launcher') return this.#renderPanel();
    const t = this.#t;
    return html`${this.opened ? this.#renderPanel() : nothing}
      <button
        part="launcher"
        type="button"
        aria-expanded=${this.opened}
        aria-label=${this.opened
          ? t.closeChat
          : this.unread
            ? `${t.openChat} (${t.unread(this.unread)}${this.#unreadMentions ? `, ${t.mentioned}` : ''})`
            : t.openChat}
        @click=${this.toggle}
      >
        ${this.opened
          ? html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>`
          : html`<svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M4 5h16v11H9l-5 4z" />
            </svg>`}
        ${this.unread && !this.opened
          ? html`<span part="badge" class=${this.#unreadMentions ? 'at' : ''}
              >${this.#unreadMentions ? '@' : ''}${this.unread > 99 ? '99+' : this.unread}</span
            >`
          : nothing}
      </button>`;
  }

  #renderPanel() {
    const t = this.#t;
    const { status, messages, count, banned, refused, declined, self, settings, pinned } = this.chat;
    const outgoing = this.chat.outbox.outgoing;
    const statusText = banned
      ? t.banned
      : refused
        ? (t.refused[refused] ?? t.refused.other)
        : status === 'online'
          ? t.online(count)
          : t[status];
    const today = new Date(this.now).toDateString();
    const topic = settings?.topic;
    const title = this.title || topic || `#${this.room}`;
    const slow = settings?.slowModeSeconds;
    // The room's rules, for everyone, before anyone types.
    const rules = [
      slow && t.slowRule(slow),
      settings?.membersOnly && t.membersRule,
      settings?.paused && t.pausedRule,
    ].filter(Boolean);
    // title="": the host's `title` names the panel, and is no tooltip over all of it.
    return html`<section
      part="panel"
      class="box"
      role=${this.mode === 'launcher' ? 'dialog' : 'region'}
      aria-label=${title}
      title=${''}
      @keydown=${this.#onKeydownPanel}
    >
      <header part="header">
        <span class="name">
          <span part=${this.title || !topic ? 'title' : 'title topic'} class="room" dir="auto">${title}</span>
          ${topic && this.title ? html`<span part="topic" class="topic" dir="auto">${topic}</span>` : nothing}
          ${rules.length ? html`<span part="rules" class="rules">${rules.map((rule) => html`<span part="rule">${rule}</span>`)}</span>` : nothing}
        </span>
        ${this.#mod?.header() ?? nothing}
        <button
          part="status"
          type="button"
          class=${status}
          aria-expanded=${this.showMembers}
          ?disabled=${status !== 'online'}
          @click=${() => (this.showMembers = !this.showMembers)}
        >
          ${statusText}
        </button>
        ${this.mode === 'launcher'
          ? html`<button part="close" class="close" type="button" aria-label=${t.closeChat} @click=${this.close}>×</button>`
          : nothing}
      </header>
      ${this.showMembers && status === 'online' ? renderMembers(this.chat, t, !this.token && !this.name?.trim(), () => this.#rename()) : nothing} ${this.#mod?.panel() ?? nothing}
      ${pinned && !pinned.deleted
        ? html`<details part="pinned" class="pinned" open>
            <summary>📌 ${t.pinned} · <bdi>${pinned.author.name}</bdi></summary>
            <button class="link" type="button" dir="auto" @click=${() => this.#scroll.show(pinned.seq)}>${pinned.text}</button>
          </details>`
        : nothing}
      ${self && status !== 'online' && !banned && !refused
        ? html`<p class="offline" role="status">${t.reconnecting}${outgoing.length ? ` ${t.willSend}` : ''}</p>`
        : nothing}
      <div part="messages" role="log" aria-label=${t.messages} @scroll=${this.#scroll.onScroll} @keydown=${this.#scroll.onKeydown}>
        ${this.chat.loadingOlder ? html`<p class="note">${t.older}</p>` : nothing}
        ${messages.length === 0 && outgoing.length === 0
          ? html`<p class="note">${status === 'online' ? t.empty : t.loading}</p>`
          : nothing}
        ${repeat(
          messages,
          (m) => m.seq,
          (m, i) => {
            // A row renders again only when what it shows changed, not for every
            // message arriving (up to 500 held): its message and the one before
            // (day separator, grouping), the visitor, the language, the day and
            // its relative time; an open menu follows every change.
            const previous = messages[i - 1];
            return guard([m, previous, self, this.#language, today, timeKey(m.ts, this.now), this.menu === m.seq && {}], () =>
              renderMessage(this.#parts, m, previous),
            );
          },
        )}
        ${repeat(outgoing, (o) => o.clientMsgId, (o) => renderOutgoing(this.#parts, o, this.#displayName))}
      </div>
      ${this.#scroll.missed
        ? html`<button part="new-messages" class="jump" type="button" @click=${this.#scroll.jump}>${t.newMessages} ↓</button>`
        : nothing}
      <p part="typing" class="typing" aria-live="polite">${this.#renderTyping()}</p>
      <p class="said" role="status">${this.notice}</p>
      ${banned
        ? this.#renderBan()
        : (declined && this.token) || refused === 'unauthorized'
          ? html`<p part="notice" class="notice">
              ${declined ? (declined === 'unauthorized' ? t.expired : t.nameRules.invalid_name) : t.membersOnly}
              <button type="button" @click=${this.#signin}>${declined ? t.signInAgain : t.signIn}</button>
            </p>`
          : refused
            ? nothing
        : settings?.paused && self?.role !== 'moderator'
          ? html`<p part="notice" class="notice" role="status">${t.paused}</p>`
          : settings?.membersOnly && self && !self.verified
            ? html`<p part="notice" class="notice">
                ${t.membersOnly}
                <button type="button" @click=${this.#signin}>${t.signIn}</button>
              </p>`
        : (this.#displayName || this.token) && !this.renaming
          ? this.#composer.render()
          : this.#renderNicknamePrompt()}
    </section>`;
  }

  #renderTyping() {
    const names = [...this.chat.typing.typists.values()].map(({ member }) => member.name);
    return names.length ? this.#t.typing(names) : '';
  }

  #renderBan() {
    const t = this.#t;
    const { until, reason } = this.chat.banned!;
    return html`<p part="banned" class="banned" role="alert">
      ${t.bannedNotice(until === null ? null : fullTime(until, this.#language))}
      ${reason ? html`<br />${t.reason}: <bdi>${reason}</bdi>` : nothing}
    </p>`;
  }

  #renderNicknamePrompt() {
    const t = this.#t;
    const problem = this.nameError ?? this.chat.declined;
    return html`<form part="composer" class="nickname" @submit=${this.#submitNickname} @input=${() => (this.nameError = undefined)}>
        <input part="input" name="nickname" dir="auto" .value=${this.renaming || problem ? (this.chat.nickname ?? '') : ''} aria-label=${t.yourName} aria-invalid=${!!problem} aria-describedby="hint" placeholder=${t.yourName} maxlength=${MAX_NAME_LENGTH} required />
        <button part="send" type="submit">${t.start}</button>
      </form>
      <p id="hint" class="hint over refusal" role="alert">${problem ? (t.nameRules[problem as 'badge'] ?? t.nameRules.invalid_name) : ''}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat': LiveChat;
  }
}

customElements.define('live-chat', LiveChat);
