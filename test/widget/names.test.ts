import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { LiveChat } from '../../widget/live-chat.js';
import { freeze, loadWidget, online, part, relayInfo, shows, token, typeAndSend, uniqueRoom } from './helpers.js';

/** The message row that shows `text`. */
function row(el: LiveChat, text: string): HTMLElement | undefined {
  const rows = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="message"]')];
  return rows.find((r) => r.querySelector('[part~="text"]')?.textContent === text);
}

const parts = (row: HTMLElement) => [...row.querySelectorAll('[part]')].map((p) => p.getAttribute('part'));

describe('<live-chat> names: badges only from the relay, guests marked', () => {
  before(loadWidget);

  it('marks a guest visibly with a "guest" tag, and never draws a badge the relay did not grant', async () => {
    const room = uniqueRoom();
    const mia = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token('mod-mia', 'Mia', 'moderator')}></live-chat>`);
    const guest = await fixture<LiveChat>(html`<live-chat room=${room} name="Mila"></live-chat>`);
    await online(mia);
    await online(guest);
    await typeAndSend(mia, 'Welcome, I moderate here');
    await typeAndSend(guest, 'DM me your password');
    await shows(mia, 'DM me your password');

    const real = row(mia, 'Welcome, I moderate here')!;
    expect(parts(real)).to.include.members(['verified', 'moderator']);
    expect(parts(real)).not.to.include('guest');
    const fake = row(mia, 'DM me your password')!;
    expect(parts(fake)).not.to.include.members(['verified']);
    expect(parts(fake)).not.to.include('moderator');
    const tag = fake.querySelector<HTMLElement>('[part="guest"]')!;
    expect(tag.textContent!.trim()).to.equal('guest');
    expect(tag.getBoundingClientRect().width, 'the tag is drawn').to.be.greaterThan(0);
    // The author sees the tag on their own message too, as everyone does.
    await waitUntil(() => row(guest, 'DM me your password')?.querySelector('[part="guest"]'), 'the author never saw the tag');
  });

  it('a guest posing as a moderator (“Mia ✓ ★”) is refused, and is tagged "guest" wherever their name shows, even on a message still sending', async function () {
    this.timeout(20_000);
    const room = uniqueRoom();
    const { frozenUrl } = await relayInfo();
    const poser = await fixture<LiveChat>(html`<live-chat room=${room} server=${frozenUrl} name="Mia ✓ ★"></live-chat>`);
    // The relay refuses the name (invalid_name): the widget reads without it and asks for another.
    await waitUntil(() => poser.shadowRoot!.querySelector('input[name=nickname]'), 'no prompt for another name');
    expect(poser.shadowRoot!.textContent).to.not.contain('Mia ✓ ★');
    poser.name = 'Mila';
    // A new name is a new connection: wait for it, not the nameless one.
    await waitUntil(() => (poser as any).chat.self?.name === 'Mila', 'never joined as Mila');
    await online(poser);
    await waitUntil(() => poser.shadowRoot!.querySelector('textarea'), 'no composer');
    part(poser, 'status')!.click();
    await waitUntil(() => part(poser, 'members')?.querySelector('li'), 'the members list never opened');
    const listed = part(poser, 'members')!.querySelector('li')!;
    expect(parts(listed)).to.include('guest');
    expect(parts(listed)).to.not.include.members(['verified', 'moderator']);
    await freeze(true);
    try {
      poser.send('still on its way');
      await waitUntil(() => poser.shadowRoot!.querySelector('.pending'), 'never pending');
      const pending = poser.shadowRoot!.querySelector<HTMLElement>('.pending')!;
      expect(pending.querySelector('[part=author]')!.textContent).to.equal('Mila');
      expect(parts(pending)).to.include('guest');
      expect(parts(pending)).to.not.include.members(['verified', 'moderator']);
    } finally {
      await freeze(false);
    }
    await shows(poser, 'still on its way');
  });

  it('says "invité" in French', async () => {
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="Ana" lang="fr"></live-chat>`);
    await online(el);
    await typeAndSend(el, 'Bonjour');
    await shows(el, 'Bonjour');
    // Once sent (a pending message shows the name as typed, untagged).
    await waitUntil(() => row(el, 'Bonjour')?.querySelector('[part="guest"]'), 'the tag never appeared');
    expect(row(el, 'Bonjour')!.querySelector('[part="guest"]')!.textContent!.trim()).to.equal('invité');
  });
});
