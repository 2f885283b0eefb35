import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, part, post, shows, token, typeAndSend, uniqueRoom } from './helpers.js';

describe('<live-chat mode="launcher">', () => {
  before(loadWidget);
  beforeEach(() => localStorage.clear());
  afterEach(async () => {
    localStorage.clear();
    await setViewport({ width: 800, height: 600 });
  });

  it('is a floating button that opens and closes the panel, from the mouse and the keyboard', async () => {
    const el = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${uniqueRoom()} name="alice"></live-chat>`);
    const launcher = part(el, 'launcher')!;
    expect(getComputedStyle(launcher).position).to.equal('fixed');
    expect(part(el, 'panel')).to.equal(null);
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
    expect(launcher.getAttribute('aria-label')).to.equal('Open chat');
    expect(document.activeElement).not.to.equal(el, 'focus is not stolen on load');

    launcher.click();
    await el.updateComplete;
    expect(part(el, 'panel')).not.to.equal(null);
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    await online(el);
    await waitUntil(() => el.shadowRoot!.activeElement === part(el, 'input'), 'opening focuses the field');

    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(part(el, 'panel')).to.equal(null);
    await waitUntil(() => el.shadowRoot!.activeElement === part(el, 'launcher'), 'closing returns focus');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(part(el, 'panel')).not.to.equal(null);
  });

  it('counts unread messages on a badge while closed, with events', async () => {
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${room} name="alice"></live-chat>`);
    const counts: number[] = [];
    el.addEventListener('live-chat-unread', (e) => counts.push(e.count));
    await waitUntil(() => (el as any).chat.status === 'online', 'not online', { timeout: 5000 });
    await post(room, 'one');
    await post(room, 'two');
    await waitUntil(() => part(el, 'badge')?.textContent === '2', 'the badge did not count 2');
    expect(part(el, 'launcher')!.getAttribute('aria-label')).to.equal('Open chat (2 unread)');
    el.open();
    await el.updateComplete;
    expect(part(el, 'badge')).to.equal(null);
    expect(counts).to.deep.equal([1, 2, 0]);
    await shows(el, 'two');
  });

  it('remembers open or closed, only once the visitor has chosen', async () => {
    const room = uniqueRoom();
    const first = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${room} name="alice"></live-chat>`);
    expect(localStorage.length).to.equal(0);
    first.toggle();
    await first.updateComplete;
    expect(localStorage.getItem(`live-chat:open:${room}`)).to.equal('1');
    first.remove();
    const again = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${room} name="alice"></live-chat>`);
    expect(part(again, 'panel')).not.to.equal(null, 'reopened as the visitor left it');
    again.close();
    expect(localStorage.getItem(`live-chat:open:${room}`)).to.equal('0');
  });

  it('keeps the unread count and its @ across a reload once the visitor has opened the chat', async () => {
    const room = uniqueRoom();
    const sam = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${room} name="Sam"></live-chat>`);
    const tom = await fixture<LiveChat>(html`<live-chat room=${room} name="Tom"></live-chat>`);
    await Promise.all([waitUntil(() => (sam as any).chat.status === 'online'), online(tom)]);
    await post(room, 'before the visit');
    await waitUntil(() => part(sam, 'badge')?.textContent === '1');
    sam.open();
    await shows(sam, 'before the visit');
    sam.close();
    // Closed, the launcher takes the focus back once rendered: let it, before typing into Tom's box.
    await sam.updateComplete;
    await post(room, 'while closed');
    await typeAndSend(tom, '@Sam look');
    await waitUntil(() => part(sam, 'badge')?.textContent === '@2', 'no @2 before the reload', { timeout: 5000 });
    sam.remove();
    const counts: number[] = [];
    const again = document.createElement('live-chat');
    Object.assign(again, { mode: 'launcher', room, name: 'Sam' });
    again.addEventListener('live-chat-unread', (e) => counts.push(e.count));
    document.body.append(again);
    try {
      await waitUntil(() => part(again, 'badge')?.textContent === '@2', `the badge was forgotten: ${part(again, 'badge')?.textContent}`);
      expect(part(again, 'launcher')!.getAttribute('aria-label')).to.equal('Open chat (2 unread, you were mentioned)');
      expect(counts).to.deep.equal([2]);
      again.open();
      await again.updateComplete;
      expect(part(again, 'badge')).to.equal(null);
    } finally {
      again.remove();
    }
    // Someone who never opened it: nothing kept, nothing counted from history.
    localStorage.clear();
    const stranger = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${room} name="Una"></live-chat>`);
    await waitUntil(() => (stranger as any).chat.status === 'online');
    expect(part(stranger, 'badge')).to.equal(null);
  });

  it('shows its title attribute (or the room’s topic) in the header, not the raw room name', async () => {
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat mode="launcher" title="Support" room=${room} name="alice"></live-chat>`);
    el.open();
    await online(el);
    expect(part(el, 'title')!.textContent).to.equal('Support');
    expect(part(el, 'panel')!.getAttribute('aria-label')).to.equal('Support');
    expect(part(el, 'panel')!.getAttribute('title')).to.equal('', 'the host’s title is no tooltip over the whole panel');
    const mod = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token('title-mod', 'Moe', 'moderator')}></live-chat>`);
    await online(mod);
    await (mod as any).chat.ask('configure', { settings: { topic: 'Ask us anything' } });
    await waitUntil(() => part(el, 'topic')?.textContent === 'Ask us anything', 'no topic under the title');
    expect(part(el, 'title')!.textContent).to.equal('Support');
    const untitled = await fixture<LiveChat>(html`<live-chat room=${room} name="bob"></live-chat>`);
    await online(untitled);
    expect(part(untitled, 'title')!.textContent).to.equal('Ask us anything', 'no title: the topic');
    expect(part(mod, 'title')!.textContent).to.equal('Ask us anything');
  });

  it('remembers open or closed per room, not per site', async () => {
    const support = uniqueRoom();
    const sales = uniqueRoom();
    const first = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${support} name="alice"></live-chat>`);
    first.open();
    await first.updateComplete;
    first.remove();
    const other = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${sales} name="alice"></live-chat>`);
    expect(part(other, 'panel') === null).to.equal(true, 'another room’s launcher stays closed');
    const again = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${support} name="alice"></live-chat>`);
    expect(part(again, 'panel') !== null).to.equal(true, 'the room opened before reopens');
  });

  it('rings the launcher visibly when focused from the keyboard', async () => {
    const el = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${uniqueRoom()} name="alice"></live-chat>`);
    part(el, 'launcher')!.focus();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(el.shadowRoot!.activeElement === part(el, 'launcher')).to.equal(true, 'back on the launcher');
    expect(parseFloat(getComputedStyle(part(el, 'launcher')!).outlineOffset)).to.be.at.least(2, 'the ring stands off the accent-coloured button');
  });

  it('follows the visual order with Tab in the header', async () => {
    const el = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${uniqueRoom()} name="alice"></live-chat>`);
    el.open();
    await online(el);
    part(el, 'status')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement === part(el, 'close')).to.equal(true, 'status, then the close button at the far right');
  });

  it('holds the focus inside the full-screen panel', async () => {
    await setViewport({ width: 375, height: 667 });
    const el = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${uniqueRoom()} name="alice"></live-chat>`);
    el.open();
    await online(el);
    part(el, 'input')!.focus(); // the last thing one can focus while the field is empty
    await sendKeys({ press: 'Tab' });
    const focused = el.shadowRoot!.activeElement as HTMLElement | null;
    expect(!!focused && part(el, 'panel')!.contains(focused)).to.equal(true, 'Tab stays inside the full-screen panel');
  });

  it('fills the screen on a small viewport', async () => {
    await setViewport({ width: 375, height: 667 });
    const el = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${uniqueRoom()} name="alice"></live-chat>`);
    el.open();
    await el.updateComplete;
    const box = part(el, 'panel')!.getBoundingClientRect();
    expect([box.left, box.top, box.width, box.height]).to.deep.equal([0, 0, 375, 667]);
  });

  it('passes an accessibility audit closed and open', async () => {
    const el = await fixture<LiveChat>(html`<live-chat mode="launcher" room=${uniqueRoom()} name="alice"></live-chat>`);
    await expect(el).to.be.accessible();
    el.open();
    await online(el);
    await expect(el).to.be.accessible();
  });
});
