import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Message } from '../protocol/index.js';
import { ChatController, type Outgoing, type Status } from './chat-controller.js';
import { scriptRelay } from './relay-url.js';
import { rememberName, storedName } from './storage.js';
import { styles } from './live-chat.styles.js';

const STATUS_TEXT: Record<Status, string> = {
  connecting: 'Connecting…',
  online: 'Online',
  offline: 'Offline',
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function formatTime(ts: number): string {
  const date = new Date(ts);
  return (date.toDateString() === new Date().toDateString() ? timeFormat : dayTimeFormat).format(date);
}

/** How close to the bottom (px) counts as "reading the newest": new messages then scroll into view. */
const STICK_TO_BOTTOM_PX = 48;

/**
 * A real-time chat box for one room of a live-chat relay.
 *
 * @attr room - The room to join (`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$`). Required.
 * @attr server - The relay's URL. Defaults to the origin `live-chat.js` was loaded from.
 * @attr name - The visitor's display name. Without it the widget asks for a nickname before the first send.
 *
 * @csspart header - The top bar with the room name and status.
 * @csspart status - The connection status.
 * @csspart messages - The message list.
 * @csspart message - One message.
 * @csspart author - A message's author name.
 * @csspart time - A message's time.
 * @csspart text - A message's text.
 * @csspart composer - The form at the bottom.
 * @csspart input - The message (or nickname) field.
 * @csspart send - The send button.
 *
 * @cssprop --live-chat-font - Font family.
 * @cssprop --live-chat-font-size - Base font size (14px).
 * @cssprop --live-chat-fg - Text colour.
 * @cssprop --live-chat-bg - Background colour.
 * @cssprop --live-chat-header-bg - Header background.
 * @cssprop --live-chat-border - Border colour.
 * @cssprop --live-chat-radius - Corner radius of the box (controls get half).
 * @cssprop --live-chat-muted - Secondary text (times, status).
 * @cssprop --live-chat-accent - Send button and focus ring.
 * @cssprop --live-chat-accent-fg - Text on the accent colour.
 * @cssprop --live-chat-author - Other people's names.
 * @cssprop --live-chat-own-author - The visitor's own name.
 * @cssprop --live-chat-error - Failed sends.
 * @cssprop --live-chat-input-bg - Field background.
 * @cssprop --live-chat-online - Status dot when connected.
 * @cssprop --live-chat-connecting - Status dot while connecting.
 * @cssprop --live-chat-offline - Status dot when offline.
 */
@customElement('live-chat')
export class LiveChat extends LitElement {
  static override styles = styles;

  @property({ reflect: true }) room = '';
  @property() server?: string;
  @property() name?: string;

  /** The nickname the visitor typed, when no `name` attribute is set. */
  @state() private nickname = storedName();
  @state() private draft = '';

  @query('[role=log]') private list?: HTMLDivElement;
  @query('textarea') private textarea?: HTMLTextAreaElement;

  private readonly chat = new ChatController(this);
  private stickToBottom = true;

  private get displayName(): string | undefined {
    return this.name?.trim() || this.nickname;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Reconnect after being moved or re-attached (the controller closed on detach).
    this.configure();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('room') || changed.has('server') || changed.has('name') || changed.has('nickname')) {
      this.configure();
    }
  }

  private configure(): void {
    if (!this.isConnected || !this.room) return;
    this.chat.configure({ server: this.server || scriptRelay, room: this.room, name: this.displayName });
  }

  protected override updated(): void {
    if (this.stickToBottom && this.list) this.list.scrollTop = this.list.scrollHeight;
  }

  private onScroll(): void {
    const list = this.list!;
    this.stickToBottom = list.scrollHeight - list.scrollTop - list.clientHeight < STICK_TO_BOTTOM_PX;
  }

  private submitMessage(event: Event): void {
    event.preventDefault();
    const text = this.draft.trim();
    if (!text) return;
    this.stickToBottom = true;
    this.chat.send(text);
    this.draft = '';
    this.textarea?.focus();
  }

  private onKeydown(event: KeyboardEvent): void {
    // Enter sends; Shift+Enter is a newline; Enter while composing (IME) is neither.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) this.submitMessage(event);
  }

  private submitNickname(event: Event): void {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('nickname') as HTMLInputElement;
    const name = input.value.trim();
    if (!name) return;
    rememberName(name);
    this.nickname = name;
  }

  override render() {
    const { status, messages, outgoing, count } = this.chat;
    return html`<div class="box">
      <header part="header">
        <span class="room">#${this.room}</span>
        <span part="status" class=${status} role="status"
          >${this.chat.bannedUntil
            ? 'Removed by a moderator'
            : status === 'online' && count > 0
              ? `${count} online`
              : STATUS_TEXT[status]}</span
        >
      </header>
      <div part="messages" role="log" aria-label="Messages" tabindex="0" @scroll=${this.onScroll}>
        ${messages.length === 0 && outgoing.length === 0
          ? html`<p class="empty">${status === 'online' ? 'No messages yet. Say hello!' : 'Loading…'}</p>`
          : nothing}
        ${repeat(messages, (m) => m.id, (m) => this.renderMessage(m))}
        ${repeat(outgoing, (o) => o.clientMsgId, (o) => this.renderOutgoing(o))}
      </div>
      ${this.displayName ? this.renderComposer() : this.renderNicknamePrompt()}
    </div>`;
  }

  private renderMessage(message: Message) {
    const own = message.author.id === this.chat.self?.id;
    return html`<div part="message" class="message ${own ? 'own' : ''}">
      <div class="meta">
        <span part="author">${message.author.name}</span>
        <time part="time" datetime=${new Date(message.ts).toISOString()}>${formatTime(message.ts)}</time>
      </div>
      ${message.deleted
        ? html`<p part="text" class="deleted">Message deleted</p>`
        : html`<p part="text">${message.text}</p>`}
    </div>`;
  }

  private renderOutgoing(outgoing: Outgoing) {
    const failed = outgoing.error !== undefined;
    return html`<div part="message" class="message own ${failed ? 'failed' : 'pending'}">
      <div class="meta">
        <span part="author">${this.displayName}</span>
        <span part="time">${failed ? `Not sent: ${outgoing.error!.message}` : 'Sending…'}</span>
        ${failed
          ? html`<button type="button" @click=${() => this.chat.retry(outgoing.clientMsgId)}>Retry</button>
              <button type="button" @click=${() => this.chat.discard(outgoing.clientMsgId)}>Discard</button>`
          : nothing}
      </div>
      <p part="text">${outgoing.text}</p>
    </div>`;
  }

  private renderComposer() {
    return html`<form part="composer" @submit=${this.submitMessage}>
      <textarea
        part="input"
        rows="1"
        aria-label="Message"
        placeholder="Message #${this.room}"
        .value=${this.draft}
        @input=${(e: InputEvent) => (this.draft = (e.target as HTMLTextAreaElement).value)}
        @keydown=${this.onKeydown}
      ></textarea>
      <button part="send" type="submit" ?disabled=${!this.draft.trim()}>Send</button>
    </form>`;
  }

  private renderNicknamePrompt() {
    return html`<form part="composer" class="nickname" @submit=${this.submitNickname}>
      <input part="input" name="nickname" aria-label="Your name" placeholder="Your name" maxlength="32" required />
      <button part="send" type="submit">Start chatting</button>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat': LiveChat;
  }
}
