import { html, nothing } from 'lit';
import { ConsolePart } from './part.js';

/** The console's status line (polite) and, when something failed, why (an alert). */
export class ConsoleNotice extends ConsolePart {
  static override properties = { status: {}, problem: {} };
  declare status: string;
  declare problem: string;

  constructor() {
    super();
    this.status = '';
    this.problem = '';
  }

  override render() {
    return html`<p class="status" role="status" aria-live="polite">${this.status}</p>
      ${this.problem ? html`<p class="status error" role="alert">${this.problem}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-notice': ConsoleNotice;
  }
}

if (!customElements.get('live-chat-console-notice')) customElements.define('live-chat-console-notice', ConsoleNotice);
