import { html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { AdminApi, RoomSummary } from './api.js';
import { OpenRoomEvent } from './events.js';
import { ConsolePart } from './part.js';
import { Refresh } from './refresh.js';
import { when } from './time.js';

/** The room list has no push: while on screen it is loaded again every 10 s. */
const REFRESH_MS = 10_000;

/**
 * The rooms, most recently active first, with a filter; choosing one opens it.
 * Loads when shown, then every 10 s while shown.
 *
 * @fires live-chat-console-open-room - a room was chosen.
 */
export class ConsoleRooms extends ConsolePart {
  static override properties = { http: { attribute: false }, rooms: { state: true }, filter: { state: true } };
  declare http: AdminApi;
  declare rooms: RoomSummary[];
  declare filter: string;

  constructor() {
    super();
    this.rooms = [];
    this.filter = '';
    new Refresh(this, () => this.load(), REFRESH_MS);
  }

  /** Loads the list again (a refusal leaves it as it was; a 401 signs the console out). */
  async load(): Promise<void> {
    this.rooms = await this.http.rooms(this.filter.trim()).catch(() => this.rooms);
  }

  override render() {
    return html`<section aria-labelledby="rooms-title">
      <h2 id="rooms-title">Rooms</h2>
      <label for="filter">Filter rooms</label>
      <input
        id="filter"
        type="search"
        .value=${this.filter}
        @input=${(e: InputEvent) => {
          this.filter = (e.target as HTMLInputElement).value;
          void this.load();
        }}
      />
      <p class="muted">Most recently active first; refreshed every 10 s.</p>
      ${this.rooms.length === 0
        ? html`<p>No rooms${this.filter ? ' match' : ' yet'}.</p>`
        : html`<ul class="rooms">
            ${repeat(
              this.rooms,
              (r) => r.room,
              (r) =>
                html`<li>
                  <button type="button" class="room" @click=${() => this.dispatchEvent(new OpenRoomEvent(r.room))}>
                    <strong>${r.room}</strong>
                    <span>${r.online} online · ${r.messages} messages · last ${when(r.lastMessageAt)}</span>
                  </button>
                </li>`,
            )}
          </ul>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-rooms': ConsoleRooms;
  }
}

if (!customElements.get('live-chat-console-rooms')) customElements.define('live-chat-console-rooms', ConsoleRooms);
