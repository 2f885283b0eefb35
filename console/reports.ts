import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { AdminApi, Report } from './api.js';
import { act, type RoomChangedEvent } from './events.js';
import { time } from './format.js';
import './message-actions.js';
import { ConsolePart } from './part.js';
import type { ReportFeed, ReportNews } from './report-feed.js';

/**
 * The open reports of every room, newest first, a page at a time, with how
 * many are open in all: each with the two messages before it, who reported
 * it and why, the message's actions, and Resolve. Loads its first page
 * when shown, and follows the feed: a new report loads the first page
 * again, a report resolved anywhere (by a moderator in a widget, another
 * console, a deletion or a ban) leaves the list at once.
 */
export class ConsoleReports extends ConsolePart {
  static override properties = {
    http: { attribute: false },
    feed: { attribute: false },
    reports: { state: true },
    open: { state: true },
    more: { state: true },
  };
  declare http: AdminApi;
  declare feed: ReportFeed | undefined;
  #unlisten?: () => void;
  declare reports: Report[];
  /** How many reports are open in all, loaded or not. */
  declare open: number;
  /** Whether older open reports remain to load. */
  declare more: boolean;

  constructor() {
    super();
    this.reports = [];
    this.open = 0;
    this.more = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load().catch(() => {});
    this.#unlisten = this.feed?.listen((news) => this.#news(news));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unlisten?.();
  }

  #news(news: ReportNews): void {
    if (!('how' in news)) {
      void this.load().catch(() => {});
      return;
    }
    this.#gone(news.room, news.seq);
  }

  /** A message's report was resolved: out of the list where it is (a moderator working through older pages keeps their place). */
  #gone(room: string, seq: number): void {
    const left = this.reports.filter((r) => r.room !== room || r.message.seq !== seq);
    if (left.length === this.reports.length) return;
    this.reports = left;
    this.open = Math.max(0, this.open - 1);
    if (this.reports.length === 0) void this.load().catch(() => {});
  }

  /**
   * The newest page of open reports, or with `more` the page after those
   * shown (older ones, so a flood of new reports never pushes one out of
   * reach), and how many are open in all.
   */
  async load(more = false): Promise<void> {
    const { reports, total, hasMore } = await this.http.openReports(more ? this.reports.at(-1)?.id : undefined);
    // Each with the two messages before it, for context.
    await Promise.all(
      reports.map(async (report) => {
        report.before = await this.http.messagesBefore(report.room, report.message.seq, 2).catch(() => []);
      }),
    );
    this.reports = more ? [...this.reports, ...reports.filter((r) => !this.reports.some((shown) => shown.id === r.id))] : reports;
    this.open = total;
    this.more = hasMore;
  }

  #resolve(report: Report) {
    return act(this, 'Report resolved.', async () => {
      // Through the relay, which tells every moderator (this list too, by the feed).
      await this.http.resolveReport(report.id);
      this.#gone(report.room, report.message.seq);
    });
  }

  // A deleted message shows as deleted: the first page again, as after any deletion.
  #changed(event: RoomChangedEvent): void {
    if (event.what === 'message') void this.load().catch(() => {});
  }

  // Separators are plain strings: the build's minifier trims a nested template's edges.
  override render() {
    const open = this.open;
    return html`<section aria-labelledby="reports-title" @live-chat-console-room-changed=${this.#changed}>
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
                ${r.message.deleted
                  ? nothing
                  : html`<live-chat-console-message-actions .http=${this.http} .room=${r.room} .message=${r.message} .pinned=${undefined}></live-chat-console-message-actions>`}
                <div class="actions"><button type="button" @click=${() => this.#resolve(r)}>Resolve</button></div>
              </li>`,
            )}
          </ul>`}
      ${this.more ? html`<p class="actions"><button type="button" @click=${() => act(this, '', () => this.load(true))}>Load more</button></p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-reports': ConsoleReports;
  }
}

if (!customElements.get('live-chat-console-reports')) customElements.define('live-chat-console-reports', ConsoleReports);
