import { expect, fixture, html } from '@open-wc/testing';
import type { RoomSettings } from '../../protocol/index.js';
import { MAX_BLOCKED_WORD_LENGTH, MAX_BLOCKED_WORDS, MAX_TOPIC_LENGTH } from '../../protocol/limits.js';
import { setViewport } from '@web/test-runner-commands';
import type { CSSResult } from 'lit';
import { styles as consoleStyles } from '../../console/styles.js';
import { SETTINGS, type SettingsForm, type SettingsSubmitEvent } from '../../ui/settings-form.js';
import { styles as widgetStyles } from '../../widget/live-chat.styles.js';
import { styles as moderatorStyles } from '../../widget/moderator/moderator.js';

/**
 * The room settings form on its own, as the widget's moderator tools and
 * the console both render it (their pages' tests drive it against a relay:
 * moderation-v2.test.ts, console-page.test.ts).
 */
const room: RoomSettings = { topic: 'Cats', slowModeSeconds: 0, membersOnly: false, paused: true, pinnedSeq: null, blockedWords: ['spam'] };

async function form(settings: RoomSettings, lang = ''): Promise<{ el: SettingsForm; form: HTMLFormElement; submits: SettingsSubmitEvent[] }> {
  const el = await fixture<SettingsForm>(html`<live-chat-settings-form .settings=${settings} lang=${lang}></live-chat-settings-form>`);
  const submits: SettingsSubmitEvent[] = [];
  el.addEventListener('live-chat-settings-submit', (e) => submits.push(e));
  return { el, form: el.querySelector('form')!, submits };
}
const control = (form: HTMLFormElement, name: string) => form.elements.namedItem(name) as HTMLInputElement;
const save = (form: HTMLFormElement) => form.querySelector<HTMLButtonElement>('button[type=submit]')!.click();

describe('<live-chat-settings-form>', () => {
  it('shows every setting of the list, with the protocol limits, and sends only what changed', async () => {
    const { form: f, submits } = await form(room);
    expect(SETTINGS.map((s) => control(f, s.key) !== null)).to.deep.equal(SETTINGS.map(() => true));
    expect(control(f, 'topic').maxLength).to.equal(MAX_TOPIC_LENGTH);
    expect(f.textContent).to.contain('Topic').and.contain('Slow mode').and.contain('Members only').and.contain('Paused').and.contain('Blocked words (one a line)');
    save(f);
    expect(submits.map((e) => e.settings)).to.deep.equal([{}], 'nothing changed, nothing sent');
    control(f, 'topic').value = '  Dogs ';
    control(f, 'paused').checked = false;
    (f.elements.namedItem('blockedWords') as HTMLTextAreaElement).value = 'spam\n scam \n\nspam';
    save(f);
    expect(submits[1]!.settings).to.deep.equal({ topic: 'Dogs', paused: false, blockedWords: ['spam', 'scam'] });
    expect(submits[1]!.bubbles && !submits[1]!.composed, 'stays inside the shadow root it is in').to.equal(true);
  });

  it('keeps a slow mode it does not offer (set over the API), and leaves it alone when saved', async () => {
    const { form: f, submits } = await form({ ...room, slowModeSeconds: 45 });
    const select = f.elements.namedItem('slowModeSeconds') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).to.deep.equal(['Off', '5 s', '30 s', '45 s', '2 min']);
    expect(select.value).to.equal('45');
    control(f, 'topic').value = 'Dogs';
    save(f);
    expect(submits[0]!.settings).to.deep.equal({ topic: 'Dogs' });
  });

  it('refuses blocked words past the protocol limits, saying so, and sends nothing', async () => {
    const { form: f, submits } = await form(room);
    const words = f.elements.namedItem('blockedWords') as HTMLTextAreaElement;
    words.value = 'x'.repeat(MAX_BLOCKED_WORD_LENGTH + 1);
    save(f);
    expect(submits).to.deep.equal([]);
    expect(words.validationMessage).to.equal(`At most ${MAX_BLOCKED_WORDS} entries of at most ${MAX_BLOCKED_WORD_LENGTH} characters each.`);
    words.value = Array.from({ length: MAX_BLOCKED_WORDS + 1 }, (_, i) => `w${i}`).join('\n');
    words.dispatchEvent(new Event('input'));
    save(f);
    expect(submits).to.deep.equal([]);
    words.value = 'ok';
    words.dispatchEvent(new Event('input'));
    save(f);
    expect(submits[0]!.settings).to.deep.equal({ blockedWords: ['ok'] });
  });

  it('speaks French, and takes a heading that names the form (the console’s)', async () => {
    const { form: f } = await form(room, 'fr');
    expect(f.textContent).to.contain('Sujet').and.contain('Mode lent').and.contain('Mots interdits (un par ligne)');
    expect(f.querySelector('button[type=submit]')!.textContent).to.equal('Enregistrer');
    expect(f.getAttribute('aria-labelledby')).to.equal(null);
    const el = await fixture<SettingsForm>(html`<live-chat-settings-form heading="Settings" .settings=${room}></live-chat-settings-form>`);
    expect(el.querySelector('form')!.getAttribute('aria-labelledby')).to.equal('settings-title');
    expect(el.querySelector('#settings-title')!.textContent).to.equal('Settings');
    await expect(el).to.be.accessible();
  });

  /** The form in a shadow root styled as its host styles it (it has no styles of its own), in `wrapper`'s markup. */
  async function hosted(sheets: (CSSResult | string)[], wrapper: (form: string) => string): Promise<HTMLElement> {
    const host = await fixture<HTMLElement>(html`<div></div>`);
    const root = host.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = sheets.map((s) => {
      if (typeof s !== 'string') return s.styleSheet!;
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(s);
      return sheet;
    });
    root.innerHTML = wrapper('<live-chat-settings-form></live-chat-settings-form>');
    const el = root.querySelector('live-chat-settings-form')!;
    el.settings = room;
    await el.updateComplete;
    return el;
  }
  /**
   * How far each checkbox's middle stands from its label's text, in px (a
   * checkbox stretched across the line is drawn in the middle of its box).
   */
  const gaps = (el: HTMLElement) =>
    [...el.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].map((box) => {
      const text = document.createRange();
      text.selectNodeContents(box.closest('label')!);
      text.setStartAfter(box);
      const { left, width } = box.getBoundingClientRect();
      return Math.round(text.getBoundingClientRect().left - (left + width / 2));
    });

  it('keeps each checkbox beside its label on a phone, in the widget’s moderator panel and in the console', async () => {
    await setViewport({ width: 390, height: 844 });
    try {
      const widget = await hosted([widgetStyles, moderatorStyles], (form) => `<section class="mod-panel">${form}</section>`);
      expect(gaps(widget)).to.have.length(2);
      for (const gap of gaps(widget)) expect(gap).to.be.within(0, 20, 'in the widget');
      const console = await hosted([consoleStyles], (form) => form);
      for (const gap of gaps(console)) expect(gap).to.be.within(0, 20, 'in the console');
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });
});
