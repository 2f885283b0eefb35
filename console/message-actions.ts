import { html, nothing } from 'lit';
import type { Message } from '../protocol/index.js';
import type { AdminApi } from './api.js';
import { act, RoomChangedEvent } from './events.js';
import { ConsolePart } from './part.js';

/** The ban lengths offered, in minutes: 5 min, 1 h, 24 h, 7 days. */
const BAN_MINUTES: [number, string][] = [
  [5, '5 min'],
  [60, '1 hour'],
  [1440, '24 hours'],
  [10080, '7 days'],
];

/**
 * What a moderator can do to a message, in a room or a report: delete it,
 * pin or unpin it (where `pinned` is given), ban its author (unless a
 * moderator) for a length, with a reason.
 *
 * @fires live-chat-console-room-changed - after each action.
 */
export class ConsoleMessageActions extends ConsolePart {
  static override properties = { http: { attribute: false }, room: {}, message: { attribute: false }, pinned: { attribute: false } };
  declare http: AdminApi;
  declare room: string;
  declare message: Message;
  /** Whether the message is the room's pinned one; undefined offers no pinning. */
  declare pinned: boolean | undefined;

  #delete() {
    const { room, message } = this;
    return act(this, `Message ${message.seq} deleted.`, async () => {
      await this.http.deleteMessage(room, message.seq);
      this.dispatchEvent(new RoomChangedEvent(room, 'message'));
    });
  }

  #pin() {
    const { room, message, pinned } = this;
    return act(this, pinned ? 'Unpinned.' : 'Pinned.', async () => {
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
      this.dispatchEvent(new RoomChangedEvent(room, 'ban'));
    });
  }

  override render() {
    const m = this.message;
    const pinned = this.pinned;
    return html`<form class="actions" aria-label="Moderate message ${m.seq}" @submit=${this.#ban}>
      <button type="button" class="danger" @click=${this.#delete}>Delete</button>
      ${pinned === undefined ? nothing : html`<button type="button" class="quiet" @click=${this.#pin}>${pinned ? 'Unpin' : 'Pin'}</button>`}
      ${m.author.role === 'moderator'
        ? nothing
        : html`<select name="minutes" aria-label="Ban length">
              ${BAN_MINUTES.map(([minutes, label]) => html`<option value=${minutes} ?selected=${minutes === 60}>${label}</option>`)}
            </select>
            <input name="reason" maxlength="200" aria-label="Ban reason" placeholder="Reason" />
            <button type="submit" class="danger">Ban <bdi>${m.author.name}</bdi></button>`}
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-message-actions': ConsoleMessageActions;
  }
}

if (!customElements.get('live-chat-console-message-actions')) customElements.define('live-chat-console-message-actions', ConsoleMessageActions);
