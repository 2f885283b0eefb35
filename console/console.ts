import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Ban, Member, Message, RoomSettings } from '../protocol/index.js';
import { addMessages, deleteMessage, mergeSettings, updateMessages } from '../client/room-state.js';
import { openSocket, request, type RelaySocket } from '../client/socket.js';
import { AdminApi, ApiError, type AuditEntry, type Report, type RoomSummary } from './api.js';
import { styles } from './styles.js';

/** The ban lengths offered, in minutes: 5 min, 1 h, 24 h, 7 days. */
const BAN_MINUTES: [number, string][] = [
  [5, '5 min'],
  [60, '1 hour'],
  [1440, '24 hours'],
  [10080, '7 days'],
];
/** Messages of a room kept on screen. */
const MAX_MESSAGES = 200;
/** A wait as the sign-in says it: seconds under a minute, else whole minutes (wrong keys hold an address up to 10). */
const waitText = (ms: number) => (ms < 60_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.ceil(ms / 60_000)} min`);
const time = (ts: number | null) => (ts === null ? '—' : new Date(ts).toLocaleString());

/**
 * The moderation console: sign in with ADMIN_API_KEY, then the rooms by
 * activity, a room live (its messages as they are sent, delete, ban, pin,
 * its settings, bans and audit log), and the open reports of every room.
 * It speaks the admin HTTP API with its session cookie, and Socket.IO
 * (client/, as the widget does) with a one-minute ticket from that session.
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
    rooms: { state: true },
    filter: { state: true },
    room: { state: true },
    messages: { state: true },
    settings: { state: true },
    bans: { state: true },
    audit: { state: true },
    reports: { state: true },
    openReports: { state: true },
    moreReports: { state: true },
    status: { state: true },
    problem: { state: true },
    live: { state: true },
  };

  declare api: string;
  declare server: string;
  declare signedIn: boolean | undefined;
  declare who: string;
  declare view: 'rooms' | 'room' | 'reports';
  declare rooms: RoomSummary[];
  declare filter: string;
  declare room: string | undefined;
  declare messages: Message[];
  declare settings: RoomSettings | undefined;
  declare bans: Ban[];
  declare audit: AuditEntry[];
  declare reports: Report[];
  /** How many reports are open in all, loaded or not. */
  declare openReports: number;
  /** Whether older open reports remain to load. */
  declare moreReports: boolean;
  declare status: string;
  declare problem: string;
  declare live: boolean;

  readonly #http = new AdminApi(() => this.api, () => this.#signedOut());
  #socket?: RelaySocket;
  #poll?: ReturnType<typeof setInterval>;
  /** Whether the message list showed its newest before this update: it then follows the new ones. */
  #atNewest = true;

  constructor() {
    super();
    this.api = '';
    this.server = '';
    this.signedIn = undefined;
    this.who = '';
    this.view = 'rooms';
    this.rooms = [];
    this.filter = '';
    this.messages = [];
    this.bans = [];
    this.audit = [];
    this.reports = [];
    this.openReports = 0;
    this.moreReports = false;
    this.status = '';
    this.problem = '';
    this.live = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#restore();
  }

  // A moderator watching a busy room sees the newest message, as in a chat;
  // one who scrolled up to read is left where they are.
  override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('messages')) return;
    const list = this.renderRoot.querySelector('ul.messages');
    this.#atNewest = !list || list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('messages') && this.#atNewest) {
      const list = this.renderRoot.querySelector('ul.messages');
      list?.scrollTo({ top: list.scrollHeight });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#closeSocket();
    clearInterval(this.#poll);
  }

  // ---- HTTP

  /** Runs an action, showing what it did or why it failed. */
  async #act(done: string, action: () => Promise<unknown>): Promise<void> {
    this.problem = '';
    try {
      await action();
      this.status = done;
    } catch (error) {
      this.status = '';
      this.problem = error instanceof ApiError ? `${error.message} (${error.code})` : String(error);
    }
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
    void this.#loadRooms();
    clearInterval(this.#poll);
    // The room list has no push: refreshed every 10 s while on screen.
    this.#poll = setInterval(() => this.view === 'rooms' && void this.#loadRooms(), 10_000);
  }

  #signedOut(): void {
    this.signedIn = false;
    this.#closeSocket();
    clearInterval(this.#poll);
    this.room = undefined;
    this.view = 'rooms';
  }

  async #signIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.problem = '';
    try {
      const { name } = await this.#http.signIn(String(data.get('key')), data.get('name') ? String(data.get('name')) : undefined);
      form.reset();
      this.status = '';
      this.#signedInAs(name);
    } catch (error) {
      const e = error as ApiError;
      this.problem =
        e.code === 'rate_limited'
          ? `Too many attempts: try again in ${waitText(e.retryAfterMs ?? 60_000)}.`
          : e.code === 'unauthorized'
            ? 'Wrong key.'
            : e.message;
    }
  }

  async #signOut(): Promise<void> {
    await this.#http.signOut().catch(() => {});
    this.#signedOut();
    this.status = 'Signed out.';
  }

  async #loadRooms(): Promise<void> {
    const q = this.filter.trim();
    this.rooms = await this.#http.rooms(q);
  }

  /**
   * The newest page of open reports, or with `more` the page after those
   * shown (older ones, so a flood of new reports never pushes one out of
   * reach), and how many are open in all.
   */
  async #loadReports(more = false): Promise<void> {
    const before = more ? this.reports.at(-1)?.id : undefined;
    const { reports, total, hasMore } = await this.#http.openReports(before);
    // Each with the two messages before it, for context.
    await Promise.all(
      reports.map(async (report) => {
        report.before = await this.#http.messagesBefore(report.room, report.message.seq, 2).catch(() => []);
      }),
    );
    this.reports = more ? [...this.reports, ...reports.filter((r) => !this.reports.some((shown) => shown.id === r.id))] : reports;
    this.openReports = total;
    this.moreReports = hasMore;
  }

  async #loadRoomSide(room: string): Promise<void> {
    const [settings, bans, entries] = await Promise.all([this.#http.settings(room), this.#http.bans(room), this.#http.audit(room, 20)]);
    if (this.room !== room) return;
    this.settings = settings;
    this.bans = bans;
    this.audit = entries;
  }

  // ---- the room, live

  async #open(room: string): Promise<void> {
    this.#closeSocket();
    this.view = 'room';
    this.room = room;
    this.messages = [];
    this.settings = undefined;
    this.status = '';
    this.problem = '';
    this.#connect(room);
    await this.#loadRoomSide(room).catch(() => {});
  }

  /**
   * Connects as the console's session and joins the room. A ticket opens one
   * connection only, so every (re)connect fetches a new one; a refusal (the
   * session ended, or no ticket came) starts over while signed in.
   */
  #connect(room: string): void {
    const server = this.server || this.api || location.origin;
    const ticket = async () => ({ console: await this.#http.ticket() });
    const socket = (this.#socket = openSocket(server, ticket));
    const current = () => socket === this.#socket;
    socket.on('connect', () => void this.#join(socket, room));
    socket.on('disconnect', () => current() && (this.live = false));
    socket.on('connect_error', () => {
      if (!current()) return;
      this.live = false;
      if (!socket.active && this.signedIn && this.room === room) setTimeout(() => current() && this.#connect(room), 1000);
    });
    const mine = (event: { room: string }) => current() && event.room === room;
    socket.on('message', (message) => mine(message) && this.#add([message]));
    socket.on('updated', (message) => mine(message) && (this.messages = updateMessages(this.messages, [message])));
    socket.on('deleted', (event) => mine(event) && (this.messages = deleteMessage(this.messages, event.seq)));
    socket.on('room', (event) => mine(event) && (this.settings = mergeSettings(this.settings, event.settings)));
  }

  async #join(socket: RelaySocket, room: string): Promise<void> {
    const since = this.messages.at(-1)?.seq;
    const ack = await request(socket, 'join', { room, ...(since ? { since } : {}), limit: 100 }, 10_000).catch(() => undefined);
    if (!ack?.ok || socket !== this.#socket) return;
    this.live = true;
    this.#add(ack.messages);
    if (ack.settings) this.settings = mergeSettings(this.settings, ack.settings);
  }

  #add(incoming: Message[]): void {
    this.messages = addMessages(this.messages, incoming).messages.slice(-MAX_MESSAGES);
  }

  #closeSocket(): void {
    this.#socket?.disconnect();
    this.#socket = undefined;
    this.live = false;
  }

  // ---- actions (all through the admin API, so they are audited as the console user)

  #delete(room: string, seq: number) {
    return this.#act(`Message ${seq} deleted.`, async () => {
      await this.#http.deleteMessage(room, seq);
      if (this.view === 'reports') await this.#loadReports();
      else await this.#loadRoomSide(room);
    });
  }

  #ban(room: string, member: Member, form: HTMLFormElement) {
    const data = new FormData(form);
    const minutes = Number(data.get('minutes'));
    const reason = String(data.get('reason') ?? '').trim();
    return this.#act(`${member.name} is banned from ${room} for ${BAN_MINUTES.find(([m]) => m === minutes)?.[1]}.`, async () => {
      await this.#http.ban(room, member.id, minutes, reason);
      if (this.view === 'room') await this.#loadRoomSide(room);
    });
  }

  #unban(room: string, memberId: string) {
    return this.#act('Ban lifted.', async () => {
      await this.#http.unban(room, memberId);
      await this.#loadRoomSide(room);
    });
  }

  #configure(room: string, patch: Partial<RoomSettings>, done = 'Settings saved.') {
    return this.#act(done, async () => {
      this.settings = await this.#http.configure(room, patch);
      await this.#loadRoomSide(room);
    });
  }

  #saveSettings(room: string, event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    return this.#configure(room, {
      topic: String(data.get('topic') ?? ''),
      slowModeSeconds: Number(data.get('slowModeSeconds') ?? 0),
      membersOnly: data.get('membersOnly') === 'on',
      paused: data.get('paused') === 'on',
      blockedWords: String(data.get('blockedWords') ?? '')
        .split('\n')
        .map((w) => w.trim())
        .filter(Boolean),
    });
  }

  #resolve(report: Report) {
    return this.#act('Report resolved.', async () => {
      await this.#http.resolveReport(report.id);
      // Taken out where it is, so a moderator working through older pages keeps their place.
      this.reports = this.reports.filter((r) => r.id !== report.id);
      this.openReports = Math.max(0, this.openReports - 1);
      if (this.reports.length === 0) await this.#loadReports();
    });
  }

  #show(view: 'rooms' | 'reports') {
    this.#closeSocket();
    this.view = view;
    this.room = undefined;
    this.status = '';
    this.problem = '';
    void (view === 'rooms' ? this.#loadRooms() : this.#loadReports()).catch(() => {});
  }

  // ---- rendering
  // A nested html`` never starts or ends with a space: the build's minifier
  // trims a template's edges, so a separator goes in a plain string.

  override render() {
    if (this.signedIn === undefined) return html`<p role="status">Loading…</p>`;
    if (!this.signedIn) return this.#renderSignIn();
    return html`<header>
        <h1>live-chat console</h1>
        <nav aria-label="Sections">
          <button type="button" aria-current=${this.view !== 'reports' ? 'page' : 'false'} @click=${() => this.#show('rooms')}>Rooms</button>
          <button type="button" aria-current=${this.view === 'reports' ? 'page' : 'false'} @click=${() => this.#show('reports')}>Reports</button>
        </nav>
        <span class="muted">Signed in as <bdi>${this.who}</bdi></span>
        <button type="button" class="quiet" @click=${this.#signOut}>Sign out</button>
      </header>
      ${this.#renderStatus()}
      <main>${this.view === 'reports' ? this.#renderReports() : this.view === 'room' && this.room ? this.#renderRoom(this.room) : this.#renderRooms()}</main>`;
  }

  #renderStatus() {
    return html`<p class="status" role="status" aria-live="polite">${this.status}</p>
      ${this.problem ? html`<p class="status error" role="alert">${this.problem}</p>` : nothing}`;
  }

  #renderSignIn() {
    return html`<main>
      <form class="card" @submit=${this.#signIn} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">live-chat console</h1>
        <label for="key">Admin key</label>
        <input id="key" name="key" type="password" autocomplete="current-password" required />
        <label for="name">Your name <span class="muted">(shown in the audit log; optional)</span></label>
        <input id="name" name="name" autocomplete="name" maxlength="32" />
        <p><button type="submit">Sign in</button></p>
        ${this.#renderStatus()}
      </form>
    </main>`;
  }

  #renderRooms() {
    return html`<section aria-labelledby="rooms-title">
      <h2 id="rooms-title">Rooms</h2>
      <label for="filter">Filter rooms</label>
      <input
        id="filter"
        type="search"
        .value=${this.filter}
        @input=${(e: InputEvent) => {
          this.filter = (e.target as HTMLInputElement).value;
          void this.#loadRooms().catch(() => {});
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
                  <button type="button" class="room" @click=${() => this.#open(r.room)}>
                    <strong>${r.room}</strong>
                    <span>${r.online} online · ${r.messages} messages · last <time>${time(r.lastMessageAt)}</time></span>
                  </button>
                </li>`,
            )}
          </ul>`}
    </section>`;
  }

  #renderRoom(room: string) {
    const settings = this.settings;
    return html`<div class="grid">
      <section aria-labelledby="room-title">
        <h2 id="room-title">${room} <span class="muted">${this.live ? '· live' : '· connecting…'}</span></h2>
        ${settings?.topic ? html`<p class="muted">Topic: <bdi>${settings.topic}</bdi></p>` : nothing}
        <ul class="messages" aria-label="Messages">
          ${repeat(this.messages, (m) => m.seq, (m) => this.#renderMessage(room, m, settings?.pinnedSeq === m.seq))}
        </ul>
        ${this.messages.length === 0 ? html`<p class="muted">No messages yet.</p>` : nothing}
      </section>
      <div>
        ${settings ? this.#renderSettings(room, settings) : nothing}
        <section aria-labelledby="bans-title">
          <h2 id="bans-title">Bans</h2>
          ${this.bans.length === 0
            ? html`<p class="muted">Nobody is banned.</p>`
            : html`<ul>
                ${this.bans.map(
                  (b) => html`<li>
                    <bdi>${b.member.name}</bdi> <span class="muted">until <time>${b.until === null ? 'never' : time(b.until)}</time>${b.reason ? ' · ' : ''}${b.reason ? html`<bdi>${b.reason}</bdi>` : nothing}</span>
                    <div class="actions"><button type="button" class="quiet" @click=${() => this.#unban(room, b.member.id)}>Unban ${b.member.name}</button></div>
                  </li>`,
                )}
              </ul>`}
        </section>
        <section aria-labelledby="audit-title">
          <h2 id="audit-title">Audit log</h2>
          ${this.audit.length === 0
            ? html`<p class="muted">Nothing yet.</p>`
            : html`<ul>
                ${this.audit.map(
                  (e) => html`<li>
                    <time>${time(e.ts)}</time> <bdi>${e.actor.name}</bdi>: ${e.action.replace('_', ' ')}${e.seq !== undefined ? ` #${e.seq}` : ''}${e.memberId ? ' ' : ''}${e.memberId ? html`<bdi>${e.memberId}</bdi>` : nothing}${e.detail ? ' ' : ''}${e.detail ? html`<span class="muted">(${e.detail})</span>` : nothing}
                  </li>`,
                )}
              </ul>`}
        </section>
      </div>
    </div>`;
  }

  #renderMessage(room: string, m: Message, pinned: boolean) {
    return html`<li class=${m.deleted ? 'deleted' : ''} data-seq=${m.seq}>
      <div>
        <strong><bdi>${m.author.name}</bdi></strong>
        <span class="muted">${m.author.verified ? '' : 'guest · '}#${m.seq} · <time>${time(m.ts)}</time>${pinned ? ' · pinned' : ''}</span>
      </div>
      <div class="text" dir="auto">${m.deleted ? 'deleted' : m.text}</div>
      ${m.deleted ? nothing : this.#renderActions(room, m, pinned)}
    </li>`;
  }

  #renderActions(room: string, m: Message, pinned: boolean | undefined) {
    const moderator = m.author.role === 'moderator';
    return html`<form class="actions" aria-label="Moderate message ${m.seq}" @submit=${(e: SubmitEvent) => {
      e.preventDefault();
      void this.#ban(room, m.author, e.target as HTMLFormElement);
    }}>
      <button type="button" class="danger" @click=${() => this.#delete(room, m.seq)}>Delete</button>
      ${pinned === undefined
        ? nothing
        : html`<button type="button" class="quiet" @click=${() => this.#configure(room, { pinnedSeq: pinned ? null : m.seq }, pinned ? 'Unpinned.' : 'Pinned.')}>
            ${pinned ? 'Unpin' : 'Pin'}
          </button>`}
      ${moderator
        ? nothing
        : html`<select name="minutes" aria-label="Ban length">
              ${BAN_MINUTES.map(([minutes, label]) => html`<option value=${minutes} ?selected=${minutes === 60}>${label}</option>`)}
            </select>
            <input name="reason" maxlength="200" aria-label="Ban reason" placeholder="Reason" />
            <button type="submit" class="danger">Ban <bdi>${m.author.name}</bdi></button>`}
    </form>`;
  }

  #renderSettings(room: string, s: RoomSettings) {
    return html`<form class="card" aria-labelledby="settings-title" @submit=${(e: SubmitEvent) => this.#saveSettings(room, e)}>
      <h2 id="settings-title">Settings</h2>
      <label for="topic">Topic</label>
      <input id="topic" name="topic" maxlength="200" .value=${s.topic} />
      <label for="slow">Slow mode (seconds between messages, 0 = off)</label>
      <input id="slow" name="slowModeSeconds" type="number" min="0" max="3600" .value=${String(s.slowModeSeconds)} />
      <p>
        <label class="inline"><input type="checkbox" name="membersOnly" .checked=${s.membersOnly} /> Members only</label>
        <label class="inline"><input type="checkbox" name="paused" .checked=${s.paused} /> Paused</label>
      </p>
      <label for="words">Blocked words (one a line)</label>
      <textarea id="words" name="blockedWords" .value=${s.blockedWords.join('\n')}></textarea>
      <p><button type="submit">Save settings</button></p>
    </form>`;
  }

  #renderReports() {
    const open = this.openReports;
    return html`<section aria-labelledby="reports-title">
      <h2 id="reports-title">Open reports</h2>
      ${open ? html`<p class="muted" data-open-count>${open} open${this.reports.length < open ? ` · ${this.reports.length} shown, newest first` : ''}</p>` : nothing}
      ${this.reports.length === 0
        ? html`<p>No open reports.</p>`
        : html`<ul>
            ${repeat(
              this.reports,
              (r) => r.id,
              (r) => html`<li data-report=${r.id}>
                <div><strong>${r.room}</strong> <span class="muted">${r.count} report${r.count === 1 ? '' : 's'} · <time>${time(r.ts)}</time></span></div>
                <div class="context" role="group" aria-label="The message in context">
                  ${(r.before ?? []).map((m) => html`<div class="text muted" dir="auto"><bdi>${m.author.name}</bdi>: ${m.deleted ? 'deleted' : m.text}</div>`)}
                  <div class="text reported" dir="auto"><bdi>${r.message.author.name}</bdi>: ${r.message.deleted ? 'deleted' : r.message.text}</div>
                </div>
                <div class="muted">
                  Reported by ${r.reporters.map((m, i) => html`${i ? ', ' : ''}<bdi>${m.name}</bdi>`)}${r.reasons.length ? ' · ' : ''}${r.reasons.map(
                    (reason, i) => html`${i ? '; ' : ''}<bdi>${reason}</bdi>`,
                  )}
                </div>
                ${r.message.deleted ? nothing : this.#renderActions(r.room, r.message, undefined)}
                <div class="actions"><button type="button" @click=${() => this.#resolve(r)}>Resolve</button></div>
              </li>`,
            )}
          </ul>`}
      ${this.moreReports
        ? html`<p class="actions"><button type="button" @click=${() => this.#act('', () => this.#loadReports(true))}>Load more</button></p>`
        : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console': LiveChatConsole;
  }
}

if (!customElements.get('live-chat-console')) customElements.define('live-chat-console', LiveChatConsole);
