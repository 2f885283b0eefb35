import { html, nothing } from 'lit';
import type { Ban } from '../protocol/index.js';
import type { AdminApi } from './api.js';
import { act, RoomChangedEvent } from './events.js';
import { ConsolePart } from './part.js';
import { when } from './time.js';

/**
 * A room's bans: who, until when, why; each can be lifted.
 *
 * @fires live-chat-console-room-changed - a ban was lifted.
 */
export class ConsoleBans extends ConsolePart {
  static override properties = { http: { attribute: false }, room: {}, bans: { attribute: false } };
  declare http: AdminApi;
  declare room: string;
  declare bans: Ban[];

  constructor() {
    super();
    this.bans = [];
  }

  #unban(memberId: string) {
    const room = this.room;
    return act(this, 'Ban lifted.', async () => {
      await this.http.unban(room, memberId);
      this.dispatchEvent(new RoomChangedEvent(room, 'ban'));
    });
  }

  // A nested html`` never starts or ends with a space: the build's minifier
  // trims a template's edges, so a separator goes in a plain string.
  override render() {
    return html`<section aria-labelledby="bans-title">
      <h2 id="bans-title">Bans</h2>
      ${this.bans.length === 0
        ? html`<p class="muted">Nobody is banned.</p>`
        : html`<ul>
            ${this.bans.map(
              (b) => html`<li>
                <bdi>${b.member.name}</bdi> <span class="muted">${b.until === null ? 'for good' : html`ends ${when(b.until)}`}${b.reason ? ' · ' : ''}${b.reason ? html`<bdi>${b.reason}</bdi>` : nothing}</span>
                <div class="actions"><button type="button" class="quiet" @click=${() => this.#unban(b.member.id)}>Unban ${b.member.name}</button></div>
              </li>`,
            )}
          </ul>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-bans': ConsoleBans;
  }
}

if (!customElements.get('live-chat-console-bans')) customElements.define('live-chat-console-bans', ConsoleBans);
