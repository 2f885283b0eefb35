import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Overview } from '../protocol/index.js';
import type { AdminApi } from './api.js';
import { minuteChart } from './chart.js';
import { OpenRoomEvent, ShowEvent } from './events.js';
import { ConsolePart } from './part.js';
import { Refresh } from './refresh.js';

/** The overview has no push: while on screen it is loaded again every minute, as its points are. */
const REFRESH_MS = 60_000;
const MINUTE = 60_000;

const sum = (values: (number | null)[]) => values.reduce<number>((a, b) => a + (b ?? 0), 0);
const number = (n: number) => n.toLocaleString('en');
/** A minute of the last 24 hours as the captions say it: its hour and minute. */
const clock = (ts: number) => new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The highest value and when (the minute's start), for a chart's words. */
function peak(from: number, values: (number | null)[]): { value: number; at: number } | undefined {
  let best: { value: number; at: number } | undefined;
  values.forEach((v, i) => {
    if (v !== null && v > 0 && (!best || v > best.value)) best = { value: v, at: from + i * MINUTE };
  });
  return best;
}

/**
 * The whole relay at a glance, for an operator who would rather look than
 * read: messages a minute and members online over the last 24 hours as
 * charts (each with its figures in words, for those who cannot see it),
 * the busiest rooms, and the open reports, each with a way to act. Loads
 * when shown, then every minute while shown (GET /api/overview).
 *
 * @fires live-chat-console-open-room - a busy room was chosen.
 * @fires live-chat-console-show - the open reports were asked for.
 */
export class ConsoleOverview extends ConsolePart {
  static override properties = { http: { attribute: false }, data: { state: true }, failed: { state: true } };
  declare http: AdminApi;
  declare data: Overview | undefined;
  declare failed: boolean;

  #charts: ReturnType<typeof minuteChart>[] = [];

  constructor() {
    super();
    new Refresh(this, () => this.load(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const chart of this.#charts) chart.destroy();
    this.#charts = [];
  }

  /** Loads the figures again (a refusal keeps those shown; a 401 signs the console out). */
  async load(): Promise<void> {
    try {
      this.data = await this.http.overview();
      this.failed = false;
    } catch {
      this.failed = !this.data;
    }
  }

  // The charts draw into their figures once these are on the page, then take new points.
  override updated(): void {
    const data = this.data;
    if (!data) return;
    const series = [
      { label: 'Messages a minute', values: data.messages },
      { label: 'Members online', values: data.online },
    ];
    if (this.#charts.length === 0) {
      this.#charts = [...this.querySelectorAll<HTMLElement>('.chart')].map((into, i) => minuteChart(into, data.from, series[i]!));
    } else this.#charts.forEach((chart, i) => chart.update(data.from, series[i]!.values));
  }

  override render() {
    const data = this.data;
    return html`<section aria-labelledby="overview-title" class="overview">
      <h2 id="overview-title">Overview <span class="muted">· the last 24 hours, every room</span></h2>
      ${data ? this.#renderData(data) : html`<p class="muted">${this.failed ? 'The overview could not be loaded.' : 'Loading…'}</p>`}
    </section>`;
  }

  #renderData(data: Overview) {
    const messages = sum(data.messages);
    const lastHour = sum(data.messages.slice(-60));
    const busiest = peak(data.from, data.messages);
    const sampled = data.online.findLastIndex((v) => v !== null);
    const onlinePeak = peak(data.from, data.online);
    return html`<ul class="tiles">
        <li>
          <span class="figure">${number(messages)}</span>
          <span>messages</span>
          <span class="muted">${number(lastHour)} in the last hour</span>
        </li>
        <li>
          <span class="figure">${sampled < 0 ? '—' : number(data.online[sampled]!)}</span>
          <span>members online</span>
          <span class="muted">${sampled < 0 ? 'no sample yet' : `at ${clock(data.from + sampled * MINUTE)}`}</span>
        </li>
        <li>
          <span class="figure">${number(data.openReports)}</span>
          <span>open report${data.openReports === 1 ? '' : 's'}</span>
          <button type="button" class="quiet" @click=${() => this.dispatchEvent(new ShowEvent('reports'))}>${data.openReports ? 'Review them' : 'See reports'}</button>
        </li>
        ${
          // Held messages take a tile here, linking to their queue, once the relay holds messages for review.
          nothing
        }
      </ul>
      <div class="charts">
        <figure>
          <figcaption>
            <strong>Messages a minute</strong>
            <span class="muted">
              ${messages === 0 ? 'None in the last 24 hours.' : `${number(messages)} in 24 hours; at most ${busiest!.value} in a minute, at ${clock(busiest!.at)}.`}
            </span>
          </figcaption>
          <div class="chart" aria-hidden="true"></div>
        </figure>
        <figure>
          <figcaption>
            <strong>Members online</strong>
            <span class="muted">
              ${onlinePeak ? `At most ${number(onlinePeak.value)}, at ${clock(onlinePeak.at)}; sampled at each minute’s start.` : 'No sample yet: each relay counts its members at every minute’s start.'}
            </span>
          </figcaption>
          <div class="chart" aria-hidden="true"></div>
        </figure>
      </div>
      <h3>Busiest rooms</h3>
      ${data.rooms.length === 0
        ? html`<p class="muted">No messages in the last 24 hours.</p>`
        : html`<ol class="rooms busiest">
            ${repeat(
              data.rooms,
              (r) => r.room,
              (r) => html`<li>
                <button type="button" class="room" @click=${() => this.dispatchEvent(new OpenRoomEvent(r.room))}>
                  <strong>${r.room}</strong>
                  <span>${number(r.messages)} message${r.messages === 1 ? '' : 's'} · ${number(r.online)} online now</span>
                </button>
              </li>`,
            )}
          </ol>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-overview': ConsoleOverview;
  }
}

if (!customElements.get('live-chat-console-overview')) customElements.define('live-chat-console-overview', ConsoleOverview);
