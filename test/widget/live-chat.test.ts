import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { io } from 'socket.io-client';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, part, relayInfo, shows, texts, typeAndSend, uniqueRoom } from './helpers.js';

describe('<live-chat>', () => {
  let relayUrl: string;
  before(async () => {
    relayUrl = await loadWidget();
  });

  it('connects to the relay its script came from, on a page of another origin', async () => {
    expect(new URL(relayUrl).origin).not.to.equal(location.origin);
    const el = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} name="alice"></live-chat>`);
    expect(el.hasAttribute('server')).to.equal(false);
    await online(el);
    expect(part(el, 'status')!.textContent!.trim()).to.equal('1 here');
    // A new room greets the first visitor instead of showing a blank box.
    await waitUntil(
      () => part(el, 'messages')!.querySelector('.note')?.textContent === 'Be the first to say hello 👋',
      'the empty room has no greeting',
    );
  });

  it('uses the server attribute when it is set', async () => {
    const el = await fixture<LiveChat>(
      html`<live-chat room=${uniqueRoom()} name="alice" server="http://127.0.0.1:9"></live-chat>`,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(part(el, 'status')!.classList.contains('online')).to.equal(false);
    el.server = relayUrl;
    await online(el);
  });

  it('falls back to HTTP polling where WebSocket is blocked', async () => {
    const { pollingOnlyUrl } = await relayInfo();
    const room = uniqueRoom();
    const alice = await fixture<LiveChat>(html`<live-chat room=${room} name="alice" server=${pollingOnlyUrl}></live-chat>`);
    const bob = await fixture<LiveChat>(html`<live-chat room=${room} name="bob" server=${pollingOnlyUrl}></live-chat>`);
    await online(alice);
    await online(bob);
    await typeAndSend(alice, 'over polling');
    await shows(bob, 'over polling');
  });

  it('delivers a message from one widget to another in the same room', async () => {
    const room = uniqueRoom();
    const alice = await fixture<LiveChat>(html`<live-chat room=${room} name="alice"></live-chat>`);
    const bob = await fixture<LiveChat>(html`<live-chat room=${room} name="bob"></live-chat>`);
    await online(alice);
    await online(bob);
    await typeAndSend(alice, 'Hello bob');
    await shows(bob, 'Hello bob');
    await shows(alice, 'Hello bob');
    const message = bob.shadowRoot!.querySelector('[part~="message"]')!;
    expect(message.querySelector('[part="author"]')!.textContent).to.equal('alice');
    expect(message.querySelector('time')!.getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(texts(alice)).to.deep.equal(['Hello bob'], 'the sender sees it once, not pending and sent');
    expect(alice.shadowRoot!.querySelector('.pending')).to.equal(null);
  });

  it('shows the room history when the element is created again', async () => {
    const room = uniqueRoom();
    const first = await fixture<LiveChat>(html`<live-chat room=${room} name="alice"></live-chat>`);
    await online(first);
    await typeAndSend(first, 'one');
    await shows(first, 'one');
    await typeAndSend(first, 'two');
    await shows(first, 'two');
    first.remove();

    const again = await fixture<LiveChat>(html`<live-chat room=${room} name="carol"></live-chat>`);
    await online(again);
    await shows(again, 'two');
    expect(texts(again)).to.deep.equal(['one', 'two']);
  });

  it('shows markup in messages and names as literal text', async () => {
    const room = uniqueRoom();
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const attacker = await fixture<LiveChat>(html`<live-chat room=${room} name=${'<b onmouseover=x>mal</b>'}></live-chat>`);
    const victim = await fixture<LiveChat>(html`<live-chat room=${room} name="victim"></live-chat>`);
    await online(attacker);
    await online(victim);
    await typeAndSend(attacker, evil);
    await shows(victim, evil);
    const root = victim.shadowRoot!;
    expect(root.querySelector('img, script, b')).to.equal(null);
    expect(root.querySelector('[part="author"]')!.textContent).to.equal('<b onmouseover=x>mal</b>');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((window as any).__pwned).to.equal(undefined);
  });

  it('sends on Enter and inserts a newline on Shift+Enter', async () => {
    const el = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} name="alice"></live-chat>`);
    await online(el);
    el.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'line one' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line two' });
    expect(texts(el)).to.deep.equal([]);
    await sendKeys({ press: 'Enter' });
    await shows(el, 'line one\nline two');
    expect(el.shadowRoot!.querySelector('textarea')!.value).to.equal('');
  });

  it('asks for a nickname before the first send, and stores nothing until then', async () => {
    localStorage.clear();
    const el = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()}></live-chat>`);
    await waitUntil(() => part(el, 'status')?.classList.contains('online'));
    expect(el.shadowRoot!.querySelector('textarea')).to.equal(null);
    const nickname = el.shadowRoot!.querySelector<HTMLInputElement>('input[name="nickname"]')!;
    expect(nickname.getAttribute('aria-label')).to.equal('Your name');
    expect(localStorage.length).to.equal(0, 'nothing stored before the visitor acts');

    nickname.focus();
    await sendKeys({ type: 'Dana' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.shadowRoot!.querySelector('textarea'), 'the composer did not appear');
    await online(el);
    await typeAndSend(el, 'hi, I am Dana');
    await shows(el, 'hi, I am Dana');
    expect(el.shadowRoot!.querySelector('[part="author"]')!.textContent).to.equal('Dana');
    expect(localStorage.getItem('live-chat:name')).to.equal('Dana');
    localStorage.clear();
  });

  it('shows a message deleted by its author as deleted, live', async () => {
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="reader"></live-chat>`);
    await online(el);
    // Another client of the contract (a bot) speaks to the same relay.
    const bot = io(relayUrl, { auth: { name: 'bot' }, transports: ['websocket'] });
    try {
      await bot.timeout(5000).emitWithAck('join', { room });
      const sent = await bot.timeout(5000).emitWithAck('send', { room, text: 'regrettable', clientMsgId: 'bot-msg-0001' });
      await shows(el, 'regrettable');
      await bot.timeout(5000).emitWithAck('delete', { room, seq: sent.message.seq });
      await shows(el, 'Message deleted');
      expect(texts(el)).to.deep.equal(['Message deleted']);
    } finally {
      bot.disconnect();
    }
  });

  it('is not restyled by hostile global CSS on the host page', async () => {
    const hostile = document.createElement('style');
    hostile.textContent = `* { color: rgb(255, 0, 0) !important; font-size: 40px !important;
      text-transform: uppercase !important; letter-spacing: 10px !important; font-family: monospace !important;
      line-height: 5 !important; text-align: right !important; visibility: visible !important }
      p, span, header, button, textarea { display: none !important; }`;
    document.head.append(hostile);
    try {
      const el = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} name="alice"></live-chat>`);
      await online(el);
      await typeAndSend(el, 'styled by us');
      await shows(el, 'styled by us');
      const text = getComputedStyle(part(el, 'text')!);
      expect(text.color).to.equal('rgb(27, 31, 36)');
      expect(text.fontSize).to.equal('14px');
      expect(text.textTransform).to.equal('none');
      expect(text.letterSpacing).to.equal('normal');
      // The widget takes the page's font (here, the hostile rule's) rather than its size or colours.
      expect(text.fontFamily).to.equal(getComputedStyle(el).fontFamily);
      expect(text.lineHeight).not.to.equal('200px');
      expect(text.textAlign).not.to.equal('right');
      expect(getComputedStyle(part(el, 'send')!).display).not.to.equal('none', 'page selectors do not match inside');
    } finally {
      hostile.remove();
    }
  });

  it('keeps its styles to itself and passes an accessibility audit', async () => {
    const el = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} name="alice"></live-chat>`);
    await online(el);
    expect(part(el, 'messages')!.getAttribute('role')).to.equal('log');
    await expect(el).to.be.accessible();
  });
});
