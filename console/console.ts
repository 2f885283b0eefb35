import { LitElement, html } from 'lit';
import { cache } from 'lit/directives/cache.js';
import { AdminApi } from './api.js';
import type { NoticeEvent, OpenRoomEvent, SignedInEvent } from './events.js';
import './notice.js';
import { ReportFeed } from './report-feed.js';
import './reports.js';
import './room.js';
import './rooms.js';
import './sign-in.js';
import { styles } from './styles.js';

type View = 'rooms' | 'room' | 'reports';

/**
 * The moderation console: sign in with ADMIN_API_KEY, then the rooms by
 * activity, a room live (its messages as they are sent, delete, ban, pin,
 * its settings, bans and audit log), and the open reports of every room.
 * It speaks the admin HTTP API with its session cookie (api.ts), and
 * Socket.IO (client/, as the widget does) with a one-minute ticket from
 * that session (room-connection.ts). Each view is an element of its own
 * (sign-in.ts, rooms.ts, room.ts, reports.ts); this one holds the session,
 * the sections and the status line.
 *
 * @attr api - where the relay's HTTP API is; default: this page's origin.
 * @attr server - where the relay's Socket.IO is; default: `api`, or this page's origin.
 */
export class LiveChatConsole extends LitElement {
  static override styles = styles;
  static override properties = {
    api: {},
    server: {},
    signedIn: { state: true },
    who: { state: true },
    view: { state: true },
    room: { state: true },
    status: { state: true },
    problem: { state: true },
  };

  declare api: string;
  declare server: string;
  declare signedIn: boolean | undefined;
  declare who: string;
  declare view: View;
  declare room: string | undefined;
  declare status: string;
  declare problem: string;

  readonly #http = new AdminApi(() => this.api, () => this.#signedOut());
  /** The open reports' count and news, live while signed in. */
  readonly #reports = new ReportFeed(this, {
    active: () => this.signedIn === true,
    server: () => this.server || this.api || location.origin,
    ticket: () => this.#http.ticket(),
    count: () => this.#http.openCount(),
  });

  constructor() {
    super();
    this.api = '';
    this.server = '';
    this.signedIn = undefined;
    this.who = '';
    this.view = 'rooms';
    this.status = '';
    this.problem = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#restore();
  }

  async #restore(): Promise<void> {
    try {
      const { name } = await this.#http.session();
      this.#signedInAs(name);
    } catch {
      this.signedIn = false;
    }
  }

  #signedInAs(name: string): void {
    this.signedIn = true;
    this.who = name;
  }

  // The views go with the signed-in page: the room's connection closes, the room list stops refreshing.
  #signedOut(): void {
    this.signedIn = false;
    this.room = undefined;
    this.view = 'rooms';
  }

  async #signOut(): Promise<void> {
    await this.#http.signOut().catch(() => {});
    this.#signedOut();
    this.status = 'Signed out.';
  }

  #notice = (event: NoticeEvent) => {
    if (event.notice.status !== undefined) this.status = event.notice.status;
    if (event.notice.problem !== undefined) this.problem = event.notice.problem;
  };

  #show(view: View, room?: string): void {
    this.status = '';
    this.problem = '';
    // A section shown again is loaded again (its tab is the way to refresh it now).
    if (view === this.view && view !== 'room') void this.renderRoot.querySelector(`live-chat-console-${view}`)?.load();
    this.view = view;
    this.room = room;
  }

  override render() {
    if (this.signedIn === undefined) return html`<p role="status">Loading…</p>`;
    if (!this.signedIn) {
      return html`<live-chat-console-sign-in
        .http=${this.#http}
        .status=${this.status}
        .problem=${this.problem}
        @live-chat-console-notice=${this.#notice}
        @live-chat-console-signed-in=${(e: SignedInEvent) => this.#signedInAs(e.name)}
      ></live-chat-console-sign-in>`;
    }
    return html`<header>
        <h1>live-chat console</h1>
        <nav aria-label="Sections">
          <button type="button" aria-current=${this.view !== 'reports' ? 'page' : 'false'} @click=${() => this.#show('rooms')}>Rooms</button>
          <button type="button" aria-current=${this.view === 'reports' ? 'page' : 'false'} @click=${() => this.#show('reports')}>
            Reports${this.#reports.open ? html` <span class="count" data-open-reports>${this.#reports.open}</span>` : ''}
          </button>
        </nav>
        <span class="muted">Signed in as <bdi>${this.who}</bdi></span>
        <button type="button" class="quiet" @click=${this.#signOut}>Sign out</button>
      </header>
      <live-chat-console-notice .status=${this.status} .problem=${this.problem}></live-chat-console-notice>
      <main @live-chat-console-notice=${this.#notice} @live-chat-console-open-room=${(e: OpenRoomEvent) => this.#show('room', e.room)}>
        ${
          // Each view is kept while another is shown (the rooms' filter stays as typed), and loads again when shown.
          cache(this.#renderView())
        }
      </main>`;
  }

  #renderView() {
    if (this.view === 'reports') return html`<live-chat-console-reports .http=${this.#http} .feed=${this.#reports}></live-chat-console-reports>`;
    if (this.view === 'room' && this.room) {
      const server = this.server || this.api || location.origin;
      return html`<live-chat-console-room .http=${this.#http} .server=${server} .room=${this.room}></live-chat-console-room>`;
    }
    return html`<live-chat-console-rooms .http=${this.#http}></live-chat-console-rooms>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console': LiveChatConsole;
  }
}

if (!customElements.get('live-chat-console')) customElements.define('live-chat-console', LiveChatConsole);
