import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, part, post, shows, token, touchScreen, typeAndSend, uniqueRoom } from './helpers.js';

/**
 * The widget as the reviewer saw it: a 390×844 touch phone and a 1280×800
 * desktop. Touch targets, destructive actions, the mention highlight, the
 * compact density, and an accessibility audit at both sizes in both themes.
 */
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const all = (el: LiveChat, selector: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(selector)];
const article = (el: LiveChat, text: string) =>
  all(el, 'article').find((a) => a.querySelector('[part~=text]')?.textContent === text)!;
const size = (e: Element) => {
  const { width, height } = e.getBoundingClientRect();
  return `${Math.round(width)}×${Math.round(height)}`;
};
/** The controls smaller than 44×44 px, named. */
const small = (controls: Element[]) =>
  controls
    .filter((c) => c.getBoundingClientRect().width < 44 || c.getBoundingClientRect().height < 44)
    .map((c) => `${c.textContent!.trim() || c.getAttribute('aria-label') || c.localName} ${size(c)}`);
const ERROR = 'rgb(207, 34, 46)';

describe('<live-chat> on a phone and a desktop', () => {
  before(loadWidget);
  afterEach(async () => {
    await touchScreen(false);
    await emulateMedia({ colorScheme: 'light' });
    await setViewport({ width: 800, height: 600 });
  });

  it('gives the menu, “⋯” and close 44×44 px targets on a touch screen; destructive actions look so and ask first', async () => {
    await setViewport(PHONE);
    await touchScreen(true);
    const room = uniqueRoom();
    await post(room, 'ban me');
    const mod = await fixture<LiveChat>(
      html`<live-chat mode="launcher" room=${room} token=${await token('touch-mod', 'Mia', 'moderator')}></live-chat>`,
    );
    mod.open();
    await online(mod);
    await shows(mod, 'ban me');
    const more = article(mod, 'ban me').querySelector<HTMLElement>('[part=more]')!;
    more.click();
    await waitUntil(() => all(mod, '[part=message-menu] button').some((b) => b.textContent!.trim() === 'Ban…'), 'no moderator tools', { timeout: 5000 });
    const menu = all(mod, '[part=message-menu] :is(button, select, input)');
    expect(small([more, part(mod, 'close')!, ...menu])).to.deep.equal([], 'targets under 44×44 px');
    const button = (label: string) => all(mod, '[part=message-menu] button').find((b) => b.textContent!.trim() === label)!;
    expect(getComputedStyle(button('Delete')).color).to.equal(ERROR, 'Delete looks destructive');
    expect(getComputedStyle(button('Ban…')).color).to.equal(ERROR, 'Ban looks destructive');
    expect(getComputedStyle(button('Reply')).color).not.to.equal(ERROR);

    button('Ban…').click();
    await mod.updateComplete;
    const submit = mod.shadowRoot!.querySelector<HTMLElement>('[part=message-menu] button[type=submit]')!;
    expect(submit.textContent!.trim()).to.equal('Ban', 'Ban… asks how long first, and bans nobody yet');
    expect(getComputedStyle(submit).backgroundColor).to.equal(ERROR, 'the ban that confirms is a red button, not a link');
    expect(small(all(mod, '[part=message-menu] :is(button, select, input)'))).to.deep.equal([]);
    button('Close').click();
    await mod.updateComplete;

    more.click();
    await mod.updateComplete;
    button('Delete').click();
    await mod.updateComplete;
    expect(part(mod, 'message-menu')!.textContent).to.contain('Delete this message?');
    expect(getComputedStyle(button('Delete')).backgroundColor).to.equal(ERROR, 'the deletion that confirms is a red button');
  });

  it('keeps the compact look of a mouse on a desktop', async () => {
    await setViewport(DESKTOP);
    const room = uniqueRoom();
    await post(room, 'hello');
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="Desk"></live-chat>`);
    await shows(el, 'hello');
    const more = article(el, 'hello').querySelector<HTMLElement>('[part=more]')!;
    expect(more.getBoundingClientRect().height).to.be.below(44);
    expect(article(el, 'hello').getBoundingClientRect().height).to.be.below(50);
  });

  it('keeps the mention highlight clear of the avatar', async () => {
    await setViewport(PHONE);
    const room = uniqueRoom();
    const ann = await fixture<LiveChat>(html`<live-chat room=${room} name="Ann"></live-chat>`);
    const zoe = await fixture<LiveChat>(html`<live-chat room=${room} name="Zoe"></live-chat>`);
    await Promise.all([online(ann), online(zoe)]);
    await waitUntil(() => (ann as any).chat.members.size === 2, 'not both here');
    ann.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: '@Zo' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'look' });
    await sendKeys({ press: 'Enter' });
    await shows(zoe, '@Zoe look');
    const row = article(zoe, '@Zoe look');
    expect(row.getAttribute('part')).to.equal('message mention');
    const bar = row.getBoundingClientRect().left + parseFloat(getComputedStyle(row).boxShadow.match(/(\d+)px/)![1]!);
    const avatar = row.querySelector('[part=avatar]')!.getBoundingClientRect();
    expect(avatar.left - bar).to.be.at.least(4, 'the accent bar stands apart from the avatar');
    const plain = await fixture<LiveChat>(html`<live-chat room=${room} name="Max"></live-chat>`);
    await shows(plain, '@Zoe look');
    const other = article(plain, '@Zoe look').querySelector('[part=avatar]')!.getBoundingClientRect();
    expect(avatar.left).to.equal(other.left, 'names line up, highlighted or not');
  });

  it('density="compact": one line a message, name and text together, as live-stream chats', async () => {
    await setViewport(PHONE);
    const room = uniqueRoom();
    await post(room, 'first line');
    await post(room, 'second line', { id: 'other', name: 'Other' });
    const compact = await fixture<LiveChat>(html`<live-chat density="compact" room=${room} name="Reader"></live-chat>`);
    const regular = await fixture<LiveChat>(html`<live-chat room=${room} name="Reader"></live-chat>`);
    await Promise.all([shows(compact, 'second line'), shows(regular, 'second line')]);
    const line = (el: LiveChat, text: string) => {
      const row = article(el, text);
      return { row: row.getBoundingClientRect(), author: row.querySelector('[part=author]')!.getBoundingClientRect(), text: row.querySelector('[part=text]')!.getBoundingClientRect() };
    };
    const c = line(compact, 'second line');
    expect(Math.abs(c.text.top - c.author.top)).to.be.below(4, 'name and text on one line');
    expect(c.text.left).to.be.above(c.author.right, 'the text after the name');
    expect(c.row.height).to.be.below(26, 'one line of text a message');
    const r = line(regular, 'second line');
    expect(r.text.top).to.be.at.least(r.author.bottom - 1, 'the regular density keeps the text under the name');
    expect(compact.getAttribute('density')).to.equal('compact');
    await expect(compact).to.be.accessible();
  });

  it('density="compact" on a touch screen: the row is the target, a tap opens its menu (a link keeps its own)', async () => {
    await setViewport(PHONE);
    await touchScreen(true);
    const room = uniqueRoom();
    await post(room, 'see https://example.com/x');
    const el = await fixture<LiveChat>(html`<live-chat density="compact" room=${room} name="Tapper"></live-chat>`);
    await shows(el, 'see https://example.com/x');
    const row = article(el, 'see https://example.com/x');
    const more = row.querySelector<HTMLElement>('[part=more]')!;
    expect(more.offsetWidth, 'no "⋯" squeezed into a one-line row').to.be.below(2);
    expect(getComputedStyle(more).display, 'still there for a screen reader').to.not.equal('none');
    expect(more.getAttribute('aria-label') ?? more.textContent).to.not.equal('');
    const link = row.querySelector('a')!;
    link.addEventListener('click', (e) => e.preventDefault(), { once: true });
    link.click();
    await el.updateComplete;
    expect(part(el, 'message-menu')).to.equal(null, 'a link opens the link, not the menu');
    (row.querySelector('[part=text]') as HTMLElement).click();
    await el.updateComplete;
    expect(part(el, 'message-menu')).not.to.equal(null, 'a tap on the row opens its menu');
    expect(small(all(el, '[part=message-menu] button'))).to.deep.equal([]);
  });

  for (const [label, viewport] of [['390', PHONE], ['1280', DESKTOP]] as const) {
    for (const theme of ['light', 'dark'] as const) {
      it(`passes an accessibility audit at ${label} px, ${theme} theme, with room rules, a title, a mention and an open menu`, async () => {
        await setViewport(viewport);
        if (viewport === PHONE) await touchScreen(true);
        const room = uniqueRoom();
        const mod = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token('audit-mod', 'Mia', 'moderator')}></live-chat>`);
        await online(mod);
        await (mod as any).chat.ask('configure', { settings: { slowModeSeconds: 30, topic: 'Questions welcome' } });
        await post(room, 'Hello, see https://example.com/docs for details.');
        const el = await fixture<LiveChat>(
          html`<live-chat theme=${theme} mode=${viewport === PHONE ? 'launcher' : 'inline'} title="Support" room=${room} name="Ann"></live-chat>`,
        );
        el.open();
        await online(el);
        await typeAndSend(mod, '@Ann welcome');
        await shows(el, '@Ann welcome');
        article(el, '@Ann welcome').querySelector<HTMLElement>('[part=more]')!.click();
        await el.updateComplete;
        await expect(el).to.be.accessible();
      });
    }
  }
});
