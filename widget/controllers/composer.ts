import { html, nothing, type ReactiveElement } from 'lit';
import type { Member, Message } from '../../protocol/index.js';
import { MAX_MENTIONS } from '../../protocol/limits.js';
import { AUTO_NAME, renderAuthor } from '../author.js';
import type { ChatController } from '../chat-controller.js';
import type { Strings } from '../i18n.js';

/** At most this many members are offered after `@`. */
const MENTION_CHOICES = 6;

/** The element the composer serves. */
export interface ComposerHost extends ReactiveElement {
  room: string;
  /** Sends the draft as the visitor (the element's public `send`). */
  send(text: string): void;
}

/** What the composer asks of the rest of the element. */
export interface ComposerView {
  /** The strings of the element's language. */
  readonly t: Strings;
  /** Says what happened, in the status line. */
  say(notice: string): void;
  closeMenu(): void;
}

/**
 * The form at the bottom: the draft and its length, replying to or editing
 * a message (the context above the field), the members offered after `@`
 * and the `mentions` they become, and the keys chat users expect (Enter
 * sends, Shift+Enter is a newline, ↑ in an empty field edits the last message).
 */
export class ComposerController {
  draft = '';
  /** The seq of the visitor's message being edited. */
  editing?: number;
  /** The message the draft answers. */
  replying?: Message;
  /** What follows `@` before the caret, while members are offered; and the one highlighted. */
  query?: string;
  choice = 0;

  constructor(
    private readonly host: ComposerHost,
    private readonly chat: ChatController,
    private readonly view: ComposerView,
  ) {}

  get #input() {
    return this.host.renderRoot.querySelector<HTMLElement>('[part=input]');
  }

  /** Puts the focus in the field (the message's, or the nickname's). */
  focus(): void {
    this.#input?.focus();
  }

  /** Sends `text` (trimmed, not empty), answering the message replied to, with the members it names after `@`. */
  send(text: string): void {
    this.chat.send(text, this.replying?.seq, this.#mentions(text).slice(0, MAX_MENTIONS));
    this.replying = undefined;
  }

  /**
   * The ids of the members `text` names after `@`, picked or typed by hand,
   * whatever the case: among those here and the room's authors held (a
   * name picked is one of those here); of names that begin alike ("Ann", "Ann Lee"), the longest that
   * the text holds whole. The relay keeps those it knows in the room.
   */
  #mentions(text: string): string[] {
    const { members, messages, self } = this.chat;
    const known = new Map<string, string>();
    for (const m of [...messages.map((m) => m.author), ...members.values()]) if (m.id !== self?.id) known.set(m.name.toLowerCase(), m.id);
    const lower = text.toLowerCase();
    const ids = new Set<string>();
    for (const at of lower.matchAll(/(^|\s)@/g)) {
      const rest = lower.slice(at.index! + at[0].length);
      let best = '';
      for (const name of known.keys()) {
        if (name.length > best.length && rest.startsWith(name) && !/^[\p{L}\p{N}_]/u.test(rest.slice(name.length))) best = name;
      }
      if (best) ids.add(known.get(best)!);
    }
    return [...ids];
  }

  /** Slow mode holds the composer (the draft kept) until the relay takes another message. */
  get #slowWait(): number {
    const { settings, self } = this.chat;
    const retryAt = this.chat.outbox.retryAt;
    return retryAt && settings?.slowModeSeconds && self?.role !== 'moderator'
      ? Math.max(1, Math.ceil((retryAt - Date.now()) / 1000))
      : 0;
  }

  submit = (event: Event): void => {
    event.preventDefault();
    // Too long: refused here, the draft kept for the visitor to shorten.
    if (!this.draft.trim() || this.#tooLong || this.#slowWait) return;
    const seq = this.editing;
    if (seq) {
      const text = this.draft.trim();
      void this.chat.edit(seq, text).then((ok) => {
        if (!ok) this.view.say(`${this.view.t.notEdited}: ${this.view.t.errors[this.chat.lastError!.code] ?? this.view.t.errors.internal}`);
      });
      this.editing = undefined;
    } else this.host.send(this.draft);
    this.draft = '';
    this.query = undefined;
    this.host.requestUpdate();
  };

  /** The members offered after `@`: named ones (not the visitor) whose name starts with what was typed. */
  get #choices(): Member[] {
    const query = this.query?.toLowerCase();
    if (query === undefined) return [];
    return [...this.chat.members.values()]
      .filter((m) => m.id !== this.chat.self?.id && (m.verified || !AUTO_NAME.test(m.name)) && m.name.toLowerCase().startsWith(query))
      .slice(0, MENTION_CHOICES);
  }

  /** Puts `@name ` in place of what was typed after `@`. */
  #pick(member: Member): void {
    const input = this.#input as HTMLTextAreaElement;
    const caret = input.selectionStart;
    const start = caret - this.query!.length - 1;
    const inserted = `@${member.name} `;
    this.draft = this.draft.slice(0, start) + inserted + this.draft.slice(caret);
    this.query = undefined;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => {
      input.focus();
      input.setSelectionRange(start + inserted.length, start + inserted.length);
    });
  }

  startEdit(message: Message): void {
    this.view.closeMenu();
    this.replying = undefined;
    this.editing = message.seq;
    this.draft = message.text;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => this.#input?.focus());
  }

  startReply(message: Message): void {
    this.view.closeMenu();
    this.editing = undefined;
    this.replying = message;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => this.#input?.focus());
  }

  /** Leaves replying or editing (an edit's draft goes). */
  cancel = (): void => {
    if (this.editing) this.draft = '';
    this.editing = this.replying = undefined;
    this.host.requestUpdate();
    this.#input?.focus();
  };

  canEdit(message: Message): boolean {
    return !message.deleted && message.author.id === this.chat.self?.id && Date.now() - message.ts < this.chat.editWindowMs;
  }

  /** The draft's length in characters as the relay counts them (code points), after trim. */
  get #length(): number {
    return [...this.draft.trim()].length;
  }

  get #tooLong(): boolean {
    return this.#length > this.chat.maxLength;
  }

  onKeydown = (event: KeyboardEvent): void => {
    const choices = this.#choices;
    const key = event.key;
    if (choices.length && !event.isComposing) {
      // The members offered after `@`: arrows move, Enter or Tab picks, Escape closes.
      const move = { ArrowDown: 1, ArrowUp: choices.length - 1 }[key];
      if (move) this.choice = (this.choice + move) % choices.length;
      else if (key === 'Enter' || key === 'Tab') this.#pick(choices[this.choice] ?? choices[0]!);
      else if (key === 'Escape') this.query = undefined;
      else return;
      this.host.requestUpdate();
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    if (key === 'Escape' && (this.editing || this.replying)) {
      event.stopPropagation();
      this.cancel();
    } else if (key === 'ArrowUp' && !this.draft) {
      // As chat users expect: ↑ in an empty field edits one's last message.
      const last = this.chat.messages.findLast((m) => m.author.id === this.chat.self?.id);
      if (last && this.canEdit(last)) {
        event.preventDefault();
        this.startEdit(last);
      }
    }
    // Enter sends; Shift+Enter is a newline; Enter while composing (IME) is neither.
    else if (key === 'Enter' && !event.shiftKey && !event.isComposing) this.submit(event);
  };

  onInput = (event: InputEvent): void => {
    const input = event.target as HTMLTextAreaElement;
    this.draft = input.value;
    this.chat.typing.say(this.draft.trim() !== '');
    // `@` at a word's start, then what is typed up to the caret.
    this.query = /(?:^|\s)@([^\s@]{0,32})$/.exec(this.draft.slice(0, input.selectionStart))?.[1];
    this.choice = 0;
    this.host.requestUpdate();
  };

  render() {
    const t = this.view.t;
    const slow = this.#slowWait;
    const wait = this.chat.outbox.retryAt ? Math.max(1, Math.ceil((this.chat.outbox.retryAt - Date.now()) / 1000)) : 0;
    const length = this.#length;
    const max = this.chat.maxLength;
    const tooLong = length > max;
    const choices = this.#choices;
    const context = this.editing ? this.chat.messages.find((m) => m.seq === this.editing) : this.replying;
    // Rate limited, the visitor may go on writing: what they send joins the
    // queue. Slow mode (the room's rule) holds the draft in the field instead.
    return html`${wait
        ? html`<p class="slow" role="status">${slow ? t.slowMode(slow) : t.slowDown(wait)}</p>`
        : nothing}
      ${context
        ? html`<p part="context" class="context">
            <span>${this.editing ? t.editing : t.replyingTo(context.author.name)}</span>
            <span class="quoted" dir="auto">${context.text}</span>
            <button class="link" type="button" aria-label=${t.cancel} @click=${this.cancel}>×</button>
          </p>`
        : nothing}
      ${choices.length
        ? html`<ul part="mentions" id="mentions" role="listbox" aria-label=${t.mentionWho}>
            ${choices.map(
              (m, i) =>
                html`<li
                  id="mention-${i}"
                  role="option"
                  aria-selected=${i === this.choice}
                  @pointerdown=${(e: Event) => e.preventDefault()}
                  @click=${() => this.#pick(m)}
                >
                  ${renderAuthor(m, t)}
                </li>`,
            )}
          </ul>`
        : nothing}
      <form part="composer" @submit=${this.submit}>
        <textarea
          part="input"
          dir="auto"
          rows="1"
          aria-label=${t.message}
          aria-describedby="hint"
          aria-invalid=${tooLong}
          aria-autocomplete="list"
          aria-controls=${choices.length ? 'mentions' : nothing}
          aria-activedescendant=${choices.length ? `mention-${this.choice}` : nothing}
          placeholder=${t.placeholder(this.host.room)}
          .value=${this.draft}
          @input=${this.onInput}
          @keydown=${this.onKeydown}
        ></textarea>
        <button part="send" type="submit" ?disabled=${!this.draft.trim() || tooLong || !!slow}>
          ${this.editing ? t.save : t.send}
        </button>
      </form>
      <p id="hint" class="hint ${tooLong ? 'over' : ''}">
        ${this.draft ? (tooLong ? `${t.notSent}: ${t.errors.too_long}` : t.newLine) : ''}
        ${length > max * 0.9 ? html`<span part="counter">${length}/${max}</span>` : nothing}
      </p>`;
  }
}
