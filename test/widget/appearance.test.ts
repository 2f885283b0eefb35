import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, part, post, shows, uniqueRoom } from './helpers.js';

const background = (el: LiveChat) => getComputedStyle(part(el, 'panel')!).backgroundColor;
const WHITE = 'rgb(255, 255, 255)';
const DARK = 'rgb(13, 17, 23)';

describe('<live-chat> themes, languages and accessibility', () => {
  before(loadWidget);
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  it('is light by default and dark with theme="dark"', async () => {
    const light = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} name="a"></live-chat>`);
    const dark = await fixture<LiveChat>(html`<live-chat theme="dark" room=${uniqueRoom()} name="a"></live-chat>`);
    expect(background(light)).to.equal(WHITE);
    expect(background(dark)).to.equal(DARK);
  });

  it('follows the visitor’s colour scheme with theme="auto"', async () => {
    const el = await fixture<LiveChat>(html`<live-chat theme="auto" room=${uniqueRoom()} name="a"></live-chat>`);
    await emulateMedia({ colorScheme: 'light' });
    expect(background(el)).to.equal(WHITE);
    await emulateMedia({ colorScheme: 'dark' });
    expect(background(el)).to.equal(DARK);
  });

  it('takes --live-chat-* custom properties and ::part() rules from the host page', async () => {
    const style = document.createElement('style');
    style.textContent = `.branded { --live-chat-bg: rgb(1, 2, 3); --live-chat-radius: 3px; }
      .branded::part(send) { text-transform: uppercase; }`;
    document.head.append(style);
    try {
      const el = await fixture<LiveChat>(html`<live-chat class="branded" room=${uniqueRoom()} name="a"></live-chat>`);
      expect(background(el)).to.equal('rgb(1, 2, 3)');
      expect(getComputedStyle(part(el, 'panel')!).borderRadius).to.equal('3px');
      expect(getComputedStyle(part(el, 'send')!).textTransform).to.equal('uppercase');
    } finally {
      style.remove();
    }
  });

  it('uses the page’s font unless --live-chat-font is set, and has parts for branding', async () => {
    const page = await fixture<HTMLElement>(
      html`<div style="font-family: Georgia, serif"><live-chat mode="launcher" room=${uniqueRoom()} name="a"></live-chat></div>`,
    );
    const el = page.querySelector('live-chat')!;
    el.open();
    await el.updateComplete;
    expect(getComputedStyle(part(el, 'panel')!).fontFamily).to.equal('Georgia, serif');
    el.style.setProperty('--live-chat-font', 'Verdana');
    expect(getComputedStyle(part(el, 'panel')!).fontFamily).to.equal('Verdana');
    for (const name of ['title', 'close', 'header']) expect(part(el, name), name).not.to.equal(null);
    // A dark brand header: the close button follows the header's colour.
    el.style.setProperty('--live-chat-header-bg', 'rgb(20, 20, 60)');
    el.style.setProperty('--live-chat-header-fg', 'rgb(250, 250, 250)');
    expect(getComputedStyle(part(el, 'close')!).color).to.equal('rgb(250, 250, 250)');
  });

  for (const theme of ['light', 'dark'] as const) {
    for (const mode of ['inline', 'launcher'] as const) {
      it(`passes an accessibility audit (contrast included) in ${mode} mode, ${theme} theme`, async () => {
        const room = uniqueRoom();
        await post(room, 'Hello, see https://example.com/docs for details.');
        const el = await fixture<LiveChat>(html`<live-chat theme=${theme} mode=${mode} room=${room} name="a"></live-chat>`);
        el.open();
        await online(el);
        await shows(el, 'Hello, see https://example.com/docs for details.');
        await expect(el).to.be.accessible();
      });
    }
  }

  it('speaks French with lang="fr", or in a French page', async () => {
    const el = await fixture<LiveChat>(html`<live-chat lang="fr" room=${uniqueRoom()}></live-chat>`);
    await online(el);
    expect(part(el, 'status')!.textContent!.trim()).to.equal('1 ici');
    await waitUntil(() => part(el, 'messages')!.querySelector('.note')?.textContent === 'Soyez le premier à dire bonjour 👋', 'no greeting in French');
    expect(part(el, 'input')!.getAttribute('aria-label')).to.equal('Votre nom');
    expect(part(el, 'send')!.textContent!.trim()).to.equal('Commencer');

    const wrapper = await fixture<HTMLElement>(html`<div lang="fr-CA"><live-chat room=${uniqueRoom()} name="a"></live-chat></div>`);
    const inner = wrapper.querySelector('live-chat')!;
    await online(inner);
    expect(part(inner, 'send')!.textContent!.trim()).to.equal('Envoyer');

    const other = await fixture<LiveChat>(html`<live-chat lang="xx" room=${uniqueRoom()} name="a"></live-chat>`);
    expect(part(other, 'send')!.textContent!.trim()).to.equal('Send', 'unknown languages fall back to English');
  });
});
