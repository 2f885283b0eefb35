import { html, nothing } from 'lit';
import type { AuditEntry } from './api.js';
import { time } from './format.js';
import { ConsolePart } from './part.js';

/** A room's audit log, newest first: when, who, what, to whom, and the detail. */
export class ConsoleAuditLog extends ConsolePart {
  static override properties = { entries: { attribute: false } };
  declare entries: AuditEntry[];

  constructor() {
    super();
    this.entries = [];
  }

  // Separators are plain strings: the build's minifier trims a nested template's edges.
  override render() {
    return html`<section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      ${this.entries.length === 0
        ? html`<p class="muted">Nothing yet.</p>`
        : html`<ul>
            ${this.entries.map(
              (e) => html`<li>
                <time>${time(e.ts)}</time> <bdi>${e.actor.name}</bdi>: ${e.action.replace('_', ' ')}${e.seq !== undefined ? ` #${e.seq}` : ''}${e.memberId ? ' ' : ''}${e.memberId ? html`<bdi>${e.memberId}</bdi>` : nothing}${e.detail ? ' ' : ''}${e.detail ? html`<span class="muted">(${e.detail})</span>` : nothing}
              </li>`,
            )}
          </ul>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-audit-log': ConsoleAuditLog;
  }
}

if (!customElements.get('live-chat-console-audit-log')) customElements.define('live-chat-console-audit-log', ConsoleAuditLog);
