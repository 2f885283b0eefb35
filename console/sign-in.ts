import { html } from 'lit';
import type { AdminApi, ApiError } from './api.js';
import { NoticeEvent, SignedInEvent } from './events.js';
import './notice.js';
import { ConsolePart } from './part.js';

/** A wait as the sign-in says it: seconds under a minute, else whole minutes (wrong keys hold an address up to 10). */
const waitText = (ms: number) => (ms < 60_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.ceil(ms / 60_000)} min`);

/**
 * The sign-in form: the admin key, and a name for the audit log. Says why a
 * sign-in was refused (a wrong key, or too many tries and how long to wait).
 *
 * @fires live-chat-console-signed-in - the relay accepted the key.
 */
export class ConsoleSignIn extends ConsolePart {
  static override properties = { http: { attribute: false }, status: {}, problem: {} };
  declare http: AdminApi;
  declare status: string;
  declare problem: string;

  async #signIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.dispatchEvent(new NoticeEvent({ problem: '' }));
    try {
      const { name } = await this.http.signIn(String(data.get('key')), data.get('name') ? String(data.get('name')) : undefined);
      form.reset();
      this.dispatchEvent(new NoticeEvent({ status: '' }));
      this.dispatchEvent(new SignedInEvent(name));
    } catch (error) {
      const e = error as ApiError;
      const problem =
        e.code === 'rate_limited'
          ? `Too many attempts: try again in ${waitText(e.retryAfterMs ?? 60_000)}.`
          : e.code === 'unauthorized'
            ? 'Wrong key.'
            : e.message;
      this.dispatchEvent(new NoticeEvent({ problem }));
    }
  }

  override render() {
    return html`<main>
      <form class="card" @submit=${this.#signIn} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">live-chat console</h1>
        <label for="key">Admin key</label>
        <input id="key" name="key" type="password" autocomplete="current-password" required />
        <label for="name">Your name <span class="muted">(shown in the audit log; optional)</span></label>
        <input id="name" name="name" autocomplete="name" maxlength="32" />
        <p><button type="submit">Sign in</button></p>
        <live-chat-console-notice .status=${this.status} .problem=${this.problem}></live-chat-console-notice>
      </form>
    </main>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-sign-in': ConsoleSignIn;
  }
}

if (!customElements.get('live-chat-console-sign-in')) customElements.define('live-chat-console-sign-in', ConsoleSignIn);
