import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, part, token, typeAndSend, uniqueRoom } from './helpers.js';

/** What the widget offers after a refusal: only what can work. */
const configure = (mod: LiveChat, settings: object) => (mod as any).chat.ask('configure', { settings });

async function moderator(room: string): Promise<LiveChat> {
  const mod = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token('mod-refusals', 'Mod', 'moderator')}></live-chat>`);
  await online(mod);
  return mod;
}

describe('<live-chat> refusals', () => {
  before(loadWidget);
  afterEach(() => history.replaceState(null, '', location.pathname + location.search));

  it('a message refused for a blocked word says why, and offers to edit it rather than a Retry that can only fail', async () => {
    const room = uniqueRoom();
    const mod = await moderator(room);
    await configure(mod, { blockedWords: ['scam'] });
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="Hopeful"></live-chat>`);
    await online(el);
    await typeAndSend(el, 'a great scam');
    await waitUntil(() => el.shadowRoot!.querySelector('.failed'), 'never refused');
    const failed = el.shadowRoot!.querySelector<HTMLElement>('.failed')!;
    expect(failed.querySelector('[part=time]')!.textContent).to.equal('Not sent: contains a blocked word');
    const buttons = [...failed.querySelectorAll('button')].map((b) => b.textContent!.trim());
    expect(buttons).to.deep.equal(['Edit', 'Discard']);
    failed.querySelector('button')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('textarea')!.value, 'back in the field to fix').to.equal('a great scam');
    expect(el.shadowRoot!.querySelector('.failed')).to.equal(null);
  });

  it('members only: "Sign in" goes to signin-url unless the page handles live-chat-signin', async () => {
    const room = uniqueRoom();
    const mod = await moderator(room);
    await configure(mod, { membersOnly: true });
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="Reader" signin-url="#signin-page"></live-chat>`);
    await online(el);
    await waitUntil(() => part(el, 'notice')?.querySelector('button'), 'no sign-in');
    // The page handles it: the widget does nothing more.
    const handle = (e: Event) => e.preventDefault();
    el.addEventListener('live-chat-signin', handle);
    part(el, 'notice')!.querySelector('button')!.click();
    expect(location.hash).to.equal('');
    el.removeEventListener('live-chat-signin', handle);
    // Nobody handles it: the browser goes to signin-url.
    part(el, 'notice')!.querySelector('button')!.click();
    expect(location.hash).to.equal('#signin-page');
  });
});
