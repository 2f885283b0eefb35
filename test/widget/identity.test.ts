import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { LiveChat } from '../../widget/live-chat.js';
import { expiredToken, loadWidget, online, part, post, relayInfo, shows, token, typeAndSend, uniqueRoom } from './helpers.js';

/**
 * An identity the relay refuses (a name against the contract's rules, a
 * look-alike of a moderator's, an expired token) never leaves a dead
 * widget: the room stays readable, and the composer gives way to what the
 * visitor can do (choose another name, sign in again).
 */
const prompt = (el: LiveChat) => el.shadowRoot!.querySelector<HTMLInputElement>('input[name=nickname]');
const reason = (el: LiveChat) => el.shadowRoot!.querySelector('.refusal')?.textContent!.trim() || undefined;
const self = (el: LiveChat) => (el as any).chat.self;
let names = 0;
/** A name no other test (nor a verified member of another) took: letters only, as names compare by their letters. */
const uniqueName = (base: string) => `${base} ${Date.now().toString(36).replace(/\d/g, (d) => 'abcdefghij'[+d]!)}${'abcdefghij'[++names % 10]}`;

async function choose(el: LiveChat, name: string): Promise<void> {
  const input = prompt(el)!;
  input.value = '';
  input.focus();
  await sendKeys({ type: name });
  await sendKeys({ press: 'Enter' });
  await el.updateComplete;
}

describe('<live-chat> identities the relay refuses', () => {
  before(loadWidget);
  beforeEach(() => localStorage.removeItem('live-chat:name'));
  after(() => localStorage.removeItem('live-chat:name'));

  it('checks a nickname in the prompt by the contract’s rules: a badge or an invisible character is refused there, with the reason, the prompt open', async () => {
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room}></live-chat>`);
    await online(el);
    await choose(el, 'Mia ✓ ★');
    expect(prompt(el), 'the prompt stays open').to.not.equal(null);
    expect(reason(el)).to.equal('Names cannot hold badges (✓ ★): the chat gives them.');
    expect(el.shadowRoot!.querySelector('.refusal')!.getAttribute('role')).to.equal('alert');
    expect(prompt(el)!.getAttribute('aria-invalid')).to.equal('true');
    expect(localStorage.getItem('live-chat:name'), 'not remembered').to.equal(null);
    await choose(el, 'Ann\u200Bie');
    expect(reason(el)).to.equal('Names cannot hold invisible characters.');
    // Emoji ZWJ sequences are allowed.
    await choose(el, 'Ana 👩‍💻');
    await waitUntil(() => el.shadowRoot!.querySelector('textarea'), 'no composer for a good name');
    await waitUntil(() => self(el)?.name === 'Ana 👩‍💻', 'never joined as Ana');
    expect(reason(el)).to.equal(undefined);
  });

  it('a look-alike of a moderator’s name (only the relay knows it): the prompt stays open with the relay’s refusal, the room readable', async () => {
    const room = uniqueRoom();
    const name = uniqueName('Moderator');
    const mod = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token(`mod-${name}`, name, 'moderator')}></live-chat>`);
    await online(mod);
    await typeAndSend(mod, 'Welcome');
    const guest = await fixture<LiveChat>(html`<live-chat room=${room}></live-chat>`);
    await online(guest);
    await shows(guest, 'Welcome');
    const errors: string[] = [];
    guest.addEventListener('live-chat-error', (e) => errors.push(e.error.code));
    // A Cyrillic "о" for the Latin one.
    await choose(guest, name.replace('o', 'о'));
    await waitUntil(() => reason(guest) === 'That name cannot be used.', `no refusal said: ${reason(guest)}`);
    expect(errors).to.include('invalid_name');
    expect(prompt(guest), 'the prompt stays open').to.not.equal(null);
    expect(prompt(guest)!.value, 'the refused name kept to edit').to.equal(name.replace('o', 'о'));
    expect(guest.shadowRoot!.querySelector('textarea')).to.equal(null);
    // The room stays readable, live.
    await online(guest);
    await typeAndSend(mod, 'Still here');
    await shows(guest, 'Still here');
    const mine = uniqueName('Visitor');
    await choose(guest, mine);
    await waitUntil(() => self(guest)?.name === mine, 'never joined under another name');
    await typeAndSend(guest, 'hello');
    await shows(mod, 'hello');
  });

  it('after a reload, a remembered name the relay refuses: the room loads, and the prompt says why', async () => {
    const room = uniqueRoom();
    const name = uniqueName('Keeper');
    const mod = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token(`mod-${name}`, name, 'moderator')}></live-chat>`);
    await online(mod);
    await typeAndSend(mod, 'Before you came');
    localStorage.setItem('live-chat:name', name.toUpperCase());
    const el = await fixture<LiveChat>(html`<live-chat room=${room}></live-chat>`);
    await shows(el, 'Before you came', 'the room never loaded');
    await online(el);
    await waitUntil(() => reason(el) === 'That name cannot be used.', 'no reason said');
    expect(prompt(el)).to.not.equal(null);
  });

  it('a name from the site that the relay refuses: the room stays readable, and the visitor may choose another', async () => {
    const room = uniqueRoom();
    await post(room, 'Posted before');
    const errors: string[] = [];
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="Mia ✓ ★" @live-chat-error=${(e: any) => errors.push(e.error.code)}></live-chat>`);
    await shows(el, 'Posted before', 'the room never loaded');
    await waitUntil(() => reason(el) === 'That name cannot be used.', 'no reason said');
    expect(errors).to.include('invalid_name');
    expect(el.shadowRoot!.querySelector('textarea')).to.equal(null);
    const mine = uniqueName('Mia');
    await choose(el, mine);
    await waitUntil(() => self(el)?.name === mine, 'never joined under the chosen name');
    await typeAndSend(el, 'hi all');
    await shows(el, 'hi all');
  });

  it('shortens a name from the site that is too long (37 characters) to the 32 the contract allows', async () => {
    const room = uniqueRoom();
    const long = 'Bartholomew Fitzgerald-Montgomery'.padEnd(37, 'x');
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name=${long}></live-chat>`);
    await online(el);
    expect(self(el).name).to.equal(long.slice(0, 32));
    await typeAndSend(el, 'a long name');
    await shows(el, 'a long name');
  });

  it('an expired token: the room stays readable, and "Sign in again" raises live-chat-signin; a fresh token writes', async () => {
    const room = uniqueRoom();
    await post(room, 'Posted before');
    const el = await fixture<LiveChat>(html`<live-chat room=${room} token=${await expiredToken('u-exp', 'Eve')}></live-chat>`);
    await shows(el, 'Posted before', 'the room never loaded');
    await online(el);
    await waitUntil(() => part(el, 'notice'), 'no way forward');
    expect(el.shadowRoot!.querySelector('textarea')).to.equal(null);
    expect(part(el, 'notice')!.textContent).to.contain('Your sign-in has expired.');
    const button = part(el, 'notice')!.querySelector('button')!;
    expect(button.textContent!.trim()).to.equal('Sign in again');
    const signin = oneEvent(el, 'live-chat-signin');
    button.click();
    await signin;
    el.token = await token('u-exp', 'Eve');
    await waitUntil(() => self(el)?.verified, 'never signed in');
    await waitUntil(() => el.shadowRoot!.querySelector('textarea'), 'no composer once signed in');
    await typeAndSend(el, 'back');
    await shows(el, 'back');
  });

  it('a guest with a name on a relay that takes no guests is asked to sign in, not told a sign-in expired', async () => {
    const { membersOnlyUrl } = await relayInfo();
    const el = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} server=${membersOnlyUrl} name="Gus"></live-chat>`);
    await waitUntil(() => part(el, 'notice'), 'no way forward');
    expect(part(el, 'notice')!.textContent).to.contain('Sign in to chat.');
    expect(part(el, 'notice')!.textContent).to.not.contain('expired');
    expect(part(el, 'notice')!.querySelector('button')!.textContent!.trim()).to.equal('Sign in');
  });
});
