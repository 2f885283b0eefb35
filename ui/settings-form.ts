import { html, LitElement, nothing } from 'lit';
import type { RoomSettings, SettingsPatch } from '../protocol/index.js';
import { MAX_BLOCKED_WORD_LENGTH, MAX_BLOCKED_WORDS, MAX_TOPIC_LENGTH } from '../protocol/limits.js';

/** A text in each language the widget speaks (the console uses `en`). */
type Text = { en: string; fr: string };

/** The settings a moderator edits here; `pinnedSeq` is set from a message's menu instead. */
type Editable = Omit<RoomSettings, 'pinnedSeq'>;
/** The editable settings whose value is a `T`. */
type KeysOf<T> = { [K in keyof Editable]: Editable[K] extends T ? K : never }[keyof Editable];

/**
 * How one setting is shown: its label, the kind of control (which follows
 * from its value's type), and the limits of PROTOCOL.md the control holds to.
 */
export type SettingField =
  | { key: KeysOf<string>; kind: 'text'; label: Text; maxLength: number }
  /** A choice among `choices` (seconds; 0 reads "off"), and the room's own value when it is another. */
  | { key: KeysOf<number>; kind: 'seconds'; label: Text; choices: readonly number[] }
  | { key: KeysOf<boolean>; kind: 'flag'; label: Text }
  /** One entry a line, trimmed, empty lines and repeats dropped. */
  | { key: KeysOf<string[]>; kind: 'lines'; label: Text; maxLines: number; maxLength: number };

/**
 * Every room setting the form shows, in order. A new setting of the
 * protocol's `roomSettings` gets its line here, and nowhere else in the
 * browser: the widget's moderator tools and the console both render this
 * list (and `npm run check` fails, naming the setting, until it has one).
 */
export const SETTINGS = [
  { key: 'topic', kind: 'text', label: { en: 'Topic', fr: 'Sujet' }, maxLength: MAX_TOPIC_LENGTH },
  {
    key: 'slowModeSeconds',
    kind: 'seconds',
    label: { en: 'Slow mode', fr: 'Mode lent' },
    // Off, 5 s, 30 s, 2 min: each within MAX_SLOW_MODE_SECONDS (an hour).
    choices: [0, 5, 30, 120],
  },
  { key: 'membersOnly', kind: 'flag', label: { en: 'Members only', fr: 'Membres seulement' } },
  { key: 'paused', kind: 'flag', label: { en: 'Paused', fr: 'En pause' } },
  {
    key: 'blockedWords',
    kind: 'lines',
    label: { en: 'Blocked words (one a line)', fr: 'Mots interdits (un par ligne)' },
    maxLines: MAX_BLOCKED_WORDS,
    maxLength: MAX_BLOCKED_WORD_LENGTH,
  },
] as const satisfies readonly SettingField[];

/** Every editable setting has its line in SETTINGS: a setting left out fails the type check, named ("'x' does not satisfy 'never'"). */
type NoneMissing<Missing extends never> = Missing;
export type EverySettingShown = NoneMissing<Exclude<keyof Editable, (typeof SETTINGS)[number]['key']>>;

const strings = {
  en: {
    save: 'Save',
    off: 'Off',
    tooMany: (lines: number, length: number) => `At most ${lines} entries of at most ${length} characters each.`,
  },
  fr: {
    save: 'Enregistrer',
    off: 'Désactivé',
    tooMany: (lines: number, length: number) => `Au plus ${lines} entrées d’au plus ${length} caractères chacune.`,
  },
};

/** Seconds as the form shows them: "Off", "30 s", "2 min". */
const seconds = (n: number, off: string) => (n === 0 ? off : n < 60 || n % 60 ? `${n} s` : `${n / 60} min`);
const lines = (text: string) => [...new Set(text.split('\n').map((w) => w.trim()).filter(Boolean))];
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The moderator saved the form: `settings` holds the settings they changed, and only those. */
export class SettingsSubmitEvent extends Event {
  constructor(readonly settings: SettingsPatch) {
    // Not composed: inside the widget it stays in the widget's shadow root,
    // never an event of the host page.
    super('live-chat-settings-submit', { bubbles: true });
  }
}

/**
 * A room's settings as one form, for the widget's moderator tools and for
 * the console. It lives in ui/, beside the two that use it rather than in
 * either: the console imports no widget file, and the widget's moderator
 * script bundles it with the widget's own Lit (rollup.config.mjs), so the
 * visitor's script carries none of it.
 *
 * It renders into its own children, not a shadow root, so the stylesheet
 * of the root it sits in styles it: the widget's (its moderator sheet) or
 * the console's.
 *
 * @fires live-chat-settings-submit - saved; the host sends the change and says whether the relay took it.
 */
export class SettingsForm extends LitElement {
  static override properties = { settings: { attribute: false }, lang: {}, heading: {} };
  /** The room's settings as the relay last gave them. */
  declare settings?: RoomSettings;
  /** `en` or `fr` (English otherwise). */
  override lang = '';
  /** A title above the fields (the console's); without one, what holds the form names it. */
  declare heading?: string;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  get #t() {
    return this.lang === 'fr' ? strings.fr : strings.en;
  }

  #label(field: SettingField): string {
    return this.lang === 'fr' ? field.label.fr : field.label.en;
  }

  /** The fields' values that differ from `settings`, or undefined when one is out of its limits (and says so). */
  #changes(form: HTMLFormElement, settings: RoomSettings): SettingsPatch | undefined {
    const patch: Record<string, unknown> = {};
    for (const field of SETTINGS) {
      const control = form.elements.namedItem(field.key) as HTMLInputElement;
      let value: unknown;
      if (field.kind === 'text') value = control.value.trim();
      else if (field.kind === 'seconds') value = Number(control.value);
      else if (field.kind === 'flag') value = control.checked;
      else {
        const entries = lines(control.value);
        const fits = entries.length <= field.maxLines && entries.every((w) => [...w].length <= field.maxLength);
        control.setCustomValidity(fits ? '' : this.#t.tooMany(field.maxLines, field.maxLength));
        if (!fits) {
          control.reportValidity();
          return undefined;
        }
        value = entries;
      }
      if (!same(value, settings[field.key])) patch[field.key] = value;
    }
    return patch as SettingsPatch;
  }

  #submit(event: SubmitEvent) {
    event.preventDefault();
    if (!this.settings) return;
    const patch = this.#changes(event.currentTarget as HTMLFormElement, this.settings);
    if (patch) this.dispatchEvent(new SettingsSubmitEvent(patch));
  }

  #field(field: SettingField, settings: RoomSettings) {
    const label = this.#label(field);
    switch (field.kind) {
      case 'text':
        return html`<label>${label} <input id=${field.key} name=${field.key} dir="auto" maxlength=${field.maxLength} .value=${settings[field.key]} /></label>`;
      case 'seconds': {
        const current = settings[field.key];
        const choices = field.choices.includes(current) ? field.choices : [...field.choices, current].sort((a, b) => a - b);
        return html`<label
          >${label}
          <select id=${field.key} name=${field.key}>
            ${choices.map((n) => html`<option value=${n} ?selected=${current === n}>${seconds(n, this.#t.off)}</option>`)}
          </select>
        </label>`;
      }
      case 'flag':
        return html`<label class="inline"><input type="checkbox" id=${field.key} name=${field.key} .checked=${settings[field.key]} /> ${label}</label>`;
      case 'lines':
        return html`<label
          >${label}
          <textarea id=${field.key} name=${field.key} .value=${settings[field.key].join('\n')} @input=${clearValidity}></textarea>
        </label>`;
    }
  }

  override render() {
    const settings = this.settings;
    if (!settings) return nothing;
    const heading = this.heading;
    return html`<form aria-labelledby=${heading ? 'settings-title' : nothing} @submit=${this.#submit}>
      ${heading ? html`<h2 id="settings-title">${heading}</h2>` : nothing}
      ${SETTINGS.map((field) => this.#field(field, settings))}
      <button type="submit">${this.#t.save}</button>
    </form>`;
  }
}

const clearValidity = (event: Event) => (event.target as HTMLTextAreaElement).setCustomValidity('');

declare global {
  interface HTMLElementTagNameMap {
    'live-chat-settings-form': SettingsForm;
  }
  interface GlobalEventHandlersEventMap {
    'live-chat-settings-submit': SettingsSubmitEvent;
  }
}

if (!customElements.get('live-chat-settings-form')) customElements.define('live-chat-settings-form', SettingsForm);
