import { html } from 'lit';
import { ago, time } from './format.js';
import { ConsolePart } from './part.js';

/** How often relative times are written again: "3 min ago" is never more than half a minute stale. */
const TICK_MS = 30_000;
const shown = new Set<ConsoleTime>();
let ticker: ReturnType<typeof setInterval> | undefined;

/**
 * A time as "3 min ago", with the full time in its tooltip and `datetime`.
 * Every one on the page is written again every 30 s by one shared timer,
 * so a view need not re-render to keep its times true.
 */
export class ConsoleTime extends ConsolePart {
  static override properties = { ts: { attribute: false } };
  declare ts: number;

  override connectedCallback(): void {
    super.connectedCallback();
    shown.add(this);
    ticker ??= setInterval(() => shown.forEach((t) => t.requestUpdate()), TICK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    shown.delete(this);
    if (shown.size === 0) {
      clearInterval(ticker);
      ticker = undefined;
    }
  }

  override render() {
    return html`<time datetime=${new Date(this.ts).toISOString()} title=${time(this.ts)}>${ago(this.ts)}</time>`;
  }
}

/** A time as the console shows it: how long ago, the full time in its tooltip; a dash for none. */
export const when = (ts: number | null) => (ts === null ? '—' : html`<live-chat-console-time .ts=${ts}></live-chat-console-time>`);

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-time': ConsoleTime;
  }
}

if (!customElements.get('live-chat-console-time')) customElements.define('live-chat-console-time', ConsoleTime);
