import { html, nothing } from 'lit';
import type { Message } from '../protocol/index.js';
import type { AdminApi } from './api.js';
import { act, RoomChangedEvent } from './events.js';
import { ConsolePart } from './part.js';

/** The ban lengths offered, in minutes: 10 min, 1 h, 24 h, 7 days. */
const BAN_MINUTES: [number, string][] = [
  [10, '10 minutes'],
  [60, '1 hour'],
  [1440, '24 hours'],
  [10080, '7 days'],
];

/** What a message's text is called in a confirmation: its start, on one line. */
const excerpt = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text);

type Dialog = 'delete' | 'ban';

/**
 * What a moderator can do to a message, in a room or a report, behind one
 * small button a message (a busy room stays one line a message): a menu
 * of Pin or Unpin (where `pinned` is given), Delete and Ban. Delete and Ban
 * say what they will do and wait for a confirmation; Ban asks its length
 * and reason there. From the button, keys act at once: P pins, Delete (or
 * D) and B open their confirmation, the arrows and Home/End move between
 * messages; Enter or Space opens the menu, whose items the arrows move
 * between and Escape leaves.
 *
 * @fires live-chat-console-room-changed - after each action.
 */
export class ConsoleMessageActions extends ConsolePart {
  static override properties = {
    http: { attribute: false },
    room: {},
    message: { attribute: false },
    pinned: { attribute: false },
    tabbable: { attribute: false },
    open: { state: true },
    dialog: { state: true },
  };
  declare http: AdminApi;
  declare room: string;
  declare message: Message;
  /** Whether the message is the room's pinned one; undefined offers no pinning. */
  declare pinned: boolean | undefined;
  /** Whether the button is the list's one Tab stop (a list of messages is one stop; the arrows move in it). */
  declare tabbable: boolean;
  declare open: boolean;
  declare dialog: Dialog | undefined;

  constructor() {
    super();
    this.tabbable = true;
    this.open = false;
  }

  get #button(): HTMLButtonElement | null {
    return this.querySelector('button.more');
  }

  /** Focuses this message's button (the list's arrows land here). */
  override focus(): void {
    this.#button?.focus();
  }

  #done(): void {
    this.dialog = undefined;
    this.open = false;
    // The message may be gone from the list by now; its button, if not, takes the focus back.
    void this.updateComplete.then(() => this.isConnected && this.focus());
  }

  #delete() {
    const { room, message } = this;
    return act(this, `Deleted ${message.author.name}’s message.`, async () => {
      await this.http.deleteMessage(room, message.seq);
      this.#done();
      this.dispatchEvent(new RoomChangedEvent(room, 'message'));
    });
  }

  #pin() {
    const { room, message, pinned } = this;
    this.open = false;
    return act(this, pinned ? 'Unpinned.' : `Pinned ${message.author.name}’s message.`, async () => {
      const settings = await this.http.configure(room, { pinnedSeq: pinned ? null : message.seq });
      this.dispatchEvent(new RoomChangedEvent(room, 'settings', settings));
    });
  }

  #ban(event: SubmitEvent) {
    event.preventDefault();
    const { room, message } = this;
    const data = new FormData(event.target as HTMLFormElement);
    const minutes = Number(data.get('minutes'));
    const reason = String(data.get('reason') ?? '').trim();
    return act(this, `${message.author.name} is banned from ${room} for ${BAN_MINUTES.find(([m]) => m === minutes)?.[1]}.`, async () => {
      await this.http.ban(room, message.author.id, minutes, reason);
      this.#done();
      this.dispatchEvent(new RoomChangedEvent(room, 'ban'));
    });
  }

  #ask(dialog: Dialog): void {
    if (dialog === 'ban' && !this.#bannable) return;
    this.open = false;
    this.dialog = dialog;
  }

  get #bannable(): boolean {
    return this.message.author.role !== 'moderator';
  }

  /** The keys on the message's button: the shortcuts, and moving between messages. */
  #onButtonKey(event: KeyboardEvent): void {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const rows = [...(this.closest('ul')?.querySelectorAll('live-chat-console-message-actions') ?? [])];
    const here = rows.indexOf(this);
    const go = (i: number) => rows[Math.max(0, Math.min(rows.length - 1, i))]?.focus();
    const keys: Record<string, () => void> = {
      ArrowDown: () => go(here + 1),
      ArrowUp: () => go(here - 1),
      Home: () => go(0),
      End: () => go(rows.length - 1),
      Delete: () => this.#ask('delete'),
      d: () => this.#ask('delete'),
      b: () => this.#ask('ban'),
      ...(this.pinned === undefined ? {} : { p: () => void this.#pin() }),
    };
    const run = keys[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!run) return;
    event.preventDefault();
    run();
  }

  /** The menu's keys: the arrows between its items, Escape back to the button. */
  #onMenuKey(event: KeyboardEvent): void {
    const items = [...this.querySelectorAll<HTMLButtonElement>('[role=menuitem]')];
    const here = items.indexOf(event.target as HTMLButtonElement);
    const move: Record<string, number> = { ArrowDown: here + 1, ArrowUp: here - 1, Home: 0, End: items.length - 1 };
    if (event.key in move) {
      event.preventDefault();
      items[(move[event.key]! + items.length) % items.length]?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      this.open = false;
      this.focus();
    }
  }

  // Focus leaving the menu (a click elsewhere, Tab) closes it.
  #onFocusOut(event: FocusEvent): void {
    if (this.open && !this.contains(event.relatedTarget as Node | null)) this.open = false;
  }

  override async updated(changed: Map<string, unknown>): Promise<void> {
    if (changed.has('open') && this.open) {
      const menu = this.querySelector<HTMLElement>('[role=menu]')!;
      // Near the bottom of the list, the menu opens upwards rather than below the list's edge.
      const list = this.closest('ul')?.getBoundingClientRect();
      const bottom = menu.getBoundingClientRect().bottom;
      menu.classList.toggle('up', !!list && bottom > Math.min(list.bottom, innerHeight));
      menu.querySelector<HTMLElement>('[role=menuitem]')?.focus();
    }
    if (changed.has('dialog') && this.dialog) {
      const dialog = this.querySelector('dialog')!;
      if (!dialog.open) dialog.showModal();
      dialog.querySelector<HTMLElement>('[autofocus]')?.focus();
    }
  }

  override render() {
    const m = this.message;
    const id = `${this.room}-${m.seq}`;
    return html`<div class="more-actions" @focusout=${this.#onFocusOut}>
      <button
        type="button"
        class="more"
        tabindex=${this.tabbable ? 0 : -1}
        aria-haspopup="menu"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-label="Actions: ${m.author.name}’s message"
        aria-keyshortcuts=${this.pinned === undefined ? 'Delete B' : 'P Delete B'}
        @click=${() => (this.open = !this.open)}
        @keydown=${this.#onButtonKey}
      >
        <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
          <circle cx="3" cy="8" r="1.6"></circle>
          <circle cx="8" cy="8" r="1.6"></circle>
          <circle cx="13" cy="8" r="1.6"></circle>
        </svg>
      </button>
      ${this.open ? this.#renderMenu() : nothing}
    </div>
    ${this.dialog === 'delete' ? this.#renderDelete(id) : nothing} ${this.dialog === 'ban' ? this.#renderBan(id) : nothing}`;
  }

  #renderMenu() {
    const m = this.message;
    return html`<div role="menu" class="menu" aria-label="Actions: ${m.author.name}’s message" @keydown=${this.#onMenuKey}>
      ${this.pinned === undefined
        ? nothing
        : html`<button type="button" role="menuitem" tabindex="-1" @click=${this.#pin}>
            <span>${this.pinned ? 'Unpin' : 'Pin'}</span><kbd aria-hidden="true">P</kbd>
          </button>`}
      <button type="button" role="menuitem" tabindex="-1" class="danger" @click=${() => this.#ask('delete')}>
        <span>Delete…</span><kbd aria-hidden="true">Del</kbd>
      </button>
      ${this.#bannable
        ? html`<button type="button" role="menuitem" tabindex="-1" class="danger" @click=${() => this.#ask('ban')}>
            <span>Ban <bdi>${m.author.name}</bdi>…</span><kbd aria-hidden="true">B</kbd>
          </button>`
        : nothing}
    </div>`;
  }

  #renderDelete(id: string) {
    const m = this.message;
    return html`<dialog class="confirm" aria-labelledby="delete-${id}" @close=${() => this.#done()}>
      <h3 id="delete-${id}">Delete <bdi>${m.author.name}</bdi>’s message?</h3>
      <p class="text quote" dir="auto">${excerpt(m.text)}</p>
      <p class="muted">Everyone in ${this.room} sees it removed. This cannot be undone.</p>
      <div class="actions">
        <button type="button" class="quiet" @click=${() => this.#done()}>Cancel</button>
        <button type="button" class="destructive" autofocus @click=${this.#delete}>Delete message</button>
      </div>
    </dialog>`;
  }

  #renderBan(id: string) {
    const m = this.message;
    return html`<dialog class="confirm" aria-labelledby="ban-${id}" @close=${() => this.#done()}>
      <form @submit=${this.#ban}>
        <h3 id="ban-${id}">Ban <bdi>${m.author.name}</bdi> from ${this.room}?</h3>
        <p class="muted">They leave the room at once and cannot come back, under this name or another from the same network, until the ban ends.</p>
        <label for="minutes-${id}">For</label>
        <select id="minutes-${id}" name="minutes" autofocus>
          ${BAN_MINUTES.map(([minutes, label]) => html`<option value=${minutes} ?selected=${minutes === 60}>${label}</option>`)}
        </select>
        <label for="reason-${id}">Reason <span class="muted">(optional; they are told it)</span></label>
        <input id="reason-${id}" name="reason" maxlength="200" />
        <div class="actions">
          <button type="button" class="quiet" @click=${() => this.#done()}>Cancel</button>
          <button type="submit" class="destructive">Ban <bdi>${m.author.name}</bdi></button>
        </div>
      </form>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-message-actions': ConsoleMessageActions;
  }
}

if (!customElements.get('live-chat-console-message-actions')) customElements.define('live-chat-console-message-actions', ConsoleMessageActions);
