import { html } from 'lit';
import type { RoomSettings } from '../protocol/index.js';
import type { AdminApi } from './api.js';
import { act, RoomChangedEvent } from './events.js';
import { ConsolePart } from './part.js';

/**
 * A room's settings: topic, slow mode, members only, paused, blocked words.
 *
 * @fires live-chat-console-room-changed - saved, with the relay's answer.
 */
export class ConsoleSettingsForm extends ConsolePart {
  static override properties = { http: { attribute: false }, room: {}, settings: { attribute: false } };
  declare http: AdminApi;
  declare room: string;
  declare settings: RoomSettings;

  #save(event: SubmitEvent) {
    event.preventDefault();
    const room = this.room;
    const data = new FormData(event.target as HTMLFormElement);
    const patch: Partial<RoomSettings> = {
      topic: String(data.get('topic') ?? ''),
      slowModeSeconds: Number(data.get('slowModeSeconds') ?? 0),
      membersOnly: data.get('membersOnly') === 'on',
      paused: data.get('paused') === 'on',
      blockedWords: String(data.get('blockedWords') ?? '')
        .split('\n')
        .map((w) => w.trim())
        .filter(Boolean),
    };
    return act(this, 'Settings saved.', async () => {
      const settings = await this.http.configure(room, patch);
      this.dispatchEvent(new RoomChangedEvent(room, 'settings', settings));
    });
  }

  override render() {
    const s = this.settings;
    return html`<form class="card" aria-labelledby="settings-title" @submit=${this.#save}>
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
}

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-console-settings-form': ConsoleSettingsForm;
  }
}

if (!customElements.get('live-chat-console-settings-form')) customElements.define('live-chat-console-settings-form', ConsoleSettingsForm);
