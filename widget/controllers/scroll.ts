import type { ReactiveController, ReactiveElement } from 'lit';
import type { ChatController } from '../chat-controller.js';

/** How close to the bottom (px) counts as "reading the newest": new messages then scroll into view. */
const STICK_TO_BOTTOM_PX = 48;
/** At most this many messages are kept while the reader is at the bottom, so a busy room cannot slow the page. */
const MAX_RENDERED = 500;

/**
 * The message list's scrolling: it follows new messages while the reader is
 * at the bottom (and then keeps at most MAX_RENDERED), keeps still while
 * older pages load above, says "new messages" while reading older ones, and
 * makes the list one Tab stop that the arrow keys move through.
 */
export class ScrollController implements ReactiveController {
  /** The reader is at the bottom: new messages scroll into view. */
  stick = true;
  /** New messages arrived while the reader was reading older ones. */
  missed = false;
  /** The message at the top when older ones were asked for, and its distance from the top, to keep the view still. */
  #anchor?: { el: HTMLElement; top: number };
  /** The message that is the list's one Tab stop. */
  #stop?: HTMLElement;

  constructor(
    private readonly host: ReactiveElement,
    private readonly chat: ChatController,
  ) {
    host.addController(this);
  }

  get #list() {
    return this.host.renderRoot.querySelector<HTMLElement>('[part=messages]');
  }

  hostUpdate(): void {
    // 50 at a time: dropping the oldest moves every row held, which the
    // browser then paints again; one at a time, that was every frame.
    const messages = this.chat.messages;
    if (this.stick && messages.length > MAX_RENDERED) {
      const list = this.#list;
      const row = list?.querySelector<HTMLElement>(`[data-seq="${messages.at(50 - MAX_RENDERED)!.seq}"]`);
      // Scrolled up first by as much as goes, so nothing in view moves (else
      // Chromium counts the rows in view as shifted by all that went).
      if (row) list!.scrollTop -= row.offsetTop - list!.querySelector<HTMLElement>('article')!.offsetTop;
      this.chat.dropOldest(MAX_RENDERED - 50);
    }
  }

  hostUpdated(): void {
    const list = this.#list;
    if (!list) return;
    // One message is the list's Tab stop: the newest, until the visitor moves with the arrows.
    // Kept rather than looked for: a busy room updates every frame, with up to 500 messages.
    if (!this.#stop?.isConnected) {
      const last = list.querySelector<HTMLElement>('article:last-of-type');
      if (last) this.#moveStop(last);
    }
    if (this.#anchor && !this.chat.loadingOlder) {
      list.scrollTop = this.#anchor.el.offsetTop - this.#anchor.top;
      this.#anchor = undefined;
    } else if (this.stick) {
      list.scrollTop = list.scrollHeight;
    }
  }

  /** A message arrived in view of the reader (the panel open); the room renders it next. */
  arrived(): void {
    if (!this.stick) this.missed = true;
  }

  onScroll = (): void => {
    const list = this.#list!;
    this.stick = list.scrollHeight - list.scrollTop - list.clientHeight < STICK_TO_BOTTOM_PX;
    if (this.stick && this.missed) {
      this.missed = false;
      this.host.requestUpdate();
    }
    if (list.scrollTop < 40 && this.chat.hasMore && !this.chat.loadingOlder) {
      const first = list.querySelector<HTMLElement>('[part~=message]');
      if (first) this.#anchor = { el: first, top: first.offsetTop - list.scrollTop };
      void this.chat.loadOlder();
    }
  };

  /** Back to the newest message. */
  jump = (): void => {
    this.stick = true;
    this.missed = false;
    this.host.requestUpdate();
  };

  /** Shows a message (a reply's parent, the pinned one), fetching older pages down to it when not held. */
  async show(seq: number): Promise<void> {
    const chat = this.chat;
    this.stick = false;
    for (let pages = 0; pages < 20 && chat.hasMore && (chat.messages[0]?.seq ?? 0) > seq; pages++) {
      const first = chat.messages[0]?.seq;
      await chat.loadOlder(seq);
      if (chat.messages[0]?.seq === first) break;
    }
    await this.host.updateComplete;
    const item = this.host.renderRoot.querySelector<HTMLElement>(`article[data-seq="${seq}"]`);
    if (!item) return;
    this.#moveStop(item);
    item.scrollIntoView({ block: 'center' });
    item.focus();
  }

  /** The message list is one Tab stop: arrows move between messages, Enter opens a message's menu. */
  onKeydown = (event: KeyboardEvent): void => {
    const target = event.target as HTMLElement;
    if (target.localName !== 'article') return;
    if (event.key === 'Enter' || event.key === ' ') {
      target.querySelector<HTMLElement>('[part=more]')?.click();
      event.preventDefault();
      return;
    }
    const items = [...this.#list!.querySelectorAll<HTMLElement>('article')];
    const at = items.indexOf(target);
    const next = { ArrowUp: at - 1, ArrowDown: at + 1, Home: 0, End: items.length - 1 }[event.key];
    const item = next === undefined ? undefined : items[next];
    if (!item) return;
    event.preventDefault();
    this.#moveStop(item);
    item.focus();
  };

  #moveStop(item: HTMLElement): void {
    if (this.#stop) this.#stop.tabIndex = -1;
    (this.#stop = item).tabIndex = 0;
  }
}
