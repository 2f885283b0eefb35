import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, part, post, relayInfo, shows, texts, token, typeAndSend, uniqueRoom } from './helpers.js';

const all = (el: LiveChat, selector: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(selector)];

describe('<live-chat> conversation', () => {
  before(loadWidget);

  it('shows who is typing, to the others only, and clears it on send', async () => {
    const room = uniqueRoom();
    const alice = await fixture<LiveChat>(html`<live-chat room=${room} name="Alice"></live-chat>`);
    const bob = await fixture<LiveChat>(html`<live-chat room=${room} name="Bob"></live-chat>`);
    const carol = await fixture<LiveChat>(html`<live-chat room=${room} name="Carol"></live-chat>`);
    await Promise.all([online(alice), online(bob), online(carol)]);
    alice.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'hel' });
    await waitUntil(() => part(bob, 'typing')!.textContent === 'Alice is typing…', 'bob never saw alice typing');
    expect(part(alice, 'typing')!.textContent).to.equal('', 'never to the typist');
    bob.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'hi' });
    await waitUntil(() => part(carol, 'typing')!.textContent === 'Alice and Bob are typing…');
    alice.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(carol, 'typing')!.textContent === 'Bob is typing…', 'sending clears typing');
  });

  it('counts who is here and lists them on demand', async () => {
    const room = uniqueRoom();
    const alice = await fixture<LiveChat>(html`<live-chat room=${room} name="Alice"></live-chat>`);
    await online(alice);
    const bob = await fixture<LiveChat>(html`<live-chat room=${room} name="Bob"></live-chat>`);
    await online(bob);
    await waitUntil(() => part(alice, 'status')!.textContent!.trim() === '2 here', 'alice never counted bob');
    part(alice, 'status')!.click();
    await alice.updateComplete;
    expect(part(alice, 'status')!.getAttribute('aria-expanded')).to.equal('true');
    expect(all(alice, '[part=members] li').map((li) => li.textContent!.replace(/\s+/g, ' ').trim()).sort()).to.deep.equal([
      'Alice guest (you)',
      'Bob guest',
    ]);
    bob.remove();
    await waitUntil(() => all(alice, '[part=members] li').length === 1, 'bob never left the list');
  });

  it('turns http(s) links into safe anchors and leaves every other markup inert', async () => {
    const room = uniqueRoom();
    const corpus = [
      'see https://example.com/a?b=1&c=2. ok',
      '<img src=x onerror="window.__pwned=1">',
      '<script>window.__pwned=2</script>',
      'javascript:window.__pwned=3',
      '[click](javascript:window.__pwned=4)',
      '</style><style>*{display:none}</style>',
      '<svg onload="window.__pwned=5"><a xlink:href="javascript:alert(1)">x</a></svg>',
      'data:text/html,<script>alert(1)</script>',
    ];
    for (const text of corpus) await post(room, text, { id: 'bot', name: '<img src=x onerror=alert(6)>' });
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="reader"></live-chat>`);
    await online(el);
    await shows(el, corpus.at(-1)!);
    expect(texts(el)).to.deep.equal(corpus);
    const anchors = all(el, '[part=text] a');
    expect(anchors.map((a) => a.getAttribute('href'))).to.deep.equal(['https://example.com/a?b=1&c=2']);
    expect(anchors[0]!.getAttribute('rel')).to.equal('noopener noreferrer nofollow ugc');
    expect(anchors[0]!.getAttribute('target')).to.equal('_blank');
    expect(el.shadowRoot!.querySelectorAll('img, script, svg, style:not([data-lit])').length).to.equal(0);
    expect(part(el, 'author')!.textContent).to.equal('<img src=x onerror=alert(6)>');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((window as any).__pwned).to.equal(undefined);
  });

  it('groups consecutive messages by one author under one name', async () => {
    const room = uniqueRoom();
    await post(room, 'one', { id: 'bot-a', name: 'A' });
    await post(room, 'two', { id: 'bot-a', name: 'A' });
    await post(room, 'three', { id: 'bot-b', name: 'B' });
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="reader"></live-chat>`);
    await shows(el, 'three');
    expect(all(el, '[part=author]').map((a) => a.textContent)).to.deep.equal(['A', 'B']);
    expect(all(el, '.day').map((d) => d.textContent)).to.deep.equal(['Today']);
    expect(all(el, '[part=time]')[0]!.textContent).to.equal('now');
  });

  it('loads older messages when scrolled to the top, keeping the reader’s place', async () => {
    const room = uniqueRoom();
    for (let i = 1; i <= 80; i++) await post(room, `m${i}`);
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="reader"></live-chat>`);
    await shows(el, 'm80');
    expect(texts(el)[0]).to.equal('m31', 'the last 50 first');
    const list = part(el, 'messages')!;
    await waitUntil(() => list.scrollTop > 0, 'the list starts at the newest');
    const first = all(el, '[part=text]').find((p) => p.textContent === 'm31')!;
    list.scrollTop = 0;
    list.dispatchEvent(new Event('scroll')); // now, before any other update could scroll back down
    await waitUntil(() => texts(el)[0] === 'm1', 'older messages never loaded');
    await el.updateComplete;
    const top = first.getBoundingClientRect().top - list.getBoundingClientRect().top;
    expect(Math.abs(top)).to.be.below(60, 'm31 stays where the reader was looking');
    expect(texts(el).length).to.equal(80);
  });

  it('offers a jump to new messages when the reader has scrolled up', async () => {
    const room = uniqueRoom();
    for (let i = 1; i <= 30; i++) await post(room, `m${i}`);
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="reader"></live-chat>`);
    await shows(el, 'm30');
    part(el, 'messages')!.scrollTop = 200;
    part(el, 'messages')!.dispatchEvent(new Event('scroll'));
    await post(room, 'fresh');
    await waitUntil(() => el.shadowRoot!.querySelector('.jump'), 'no jump button');
    (el.shadowRoot!.querySelector('.jump') as HTMLElement).click();
    const list = part(el, 'messages')!;
    await waitUntil(() => list.scrollHeight - list.scrollTop - list.clientHeight < 5, 'did not jump to the newest');
    expect(el.shadowRoot!.querySelector('.jump')).to.equal(null);
  });

  it('keeps a second box of one room live when the first changes its identity or its room', async () => {
    localStorage.clear();
    const room = uniqueRoom();
    // Two boxes of one identity share one connection.
    const first = await fixture<LiveChat>(html`<live-chat room=${room}></live-chat>`);
    const second = await fixture<LiveChat>(html`<live-chat room=${room}></live-chat>`);
    const third = await fixture<LiveChat>(html`<live-chat room=${room} name="Cy"></live-chat>`);
    const fourth = await fixture<LiveChat>(html`<live-chat room=${room} name="Cy"></live-chat>`);
    await Promise.all([online(first), online(second), online(third), online(fourth)]);
    const nickname = first.shadowRoot!.querySelector<HTMLInputElement>('input[name="nickname"]')!;
    nickname.focus();
    await sendKeys({ type: 'Ann' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => first.shadowRoot!.querySelector('textarea'), 'no composer after the nickname');
    third.room = uniqueRoom();
    await online(first);
    await online(third);
    await post(room, 'still listening?');
    await shows(second, 'still listening?', 'the other guest box of the room went deaf');
    await shows(fourth, 'still listening?', 'the other box of the room went deaf when one moved');
    localStorage.clear();
  });

  it('tells a banned visitor until when and why, instead of a composer, and fails what was waiting', async () => {
    const room = uniqueRoom();
    const mod = await fixture<LiveChat>(
      html`<live-chat room=${room} token=${await token('mod-2', 'Mo', 'moderator')}></live-chat>`,
    );
    const troll = await fixture<LiveChat>(html`<live-chat room=${room} name="troll2"></live-chat>`);
    await Promise.all([online(mod), online(troll)]);
    await typeAndSend(troll, 'spam');
    await shows(mod, 'spam');
    await (mod as any).chat.ask('ban', { memberId: (troll as any).chat.self.id, minutes: 60 });
    await waitUntil(() => part(troll, 'banned'), 'no ban notice');
    expect(troll.shadowRoot!.querySelector('textarea')).to.equal(null, 'no composer to type into the void');
    expect(part(troll, 'banned')!.textContent).to.match(/A moderator banned you from this room until .*\d/);
    troll.send('after the ban');
    await troll.updateComplete;
    expect(troll.shadowRoot!.querySelector('.failed [part=time]')!.textContent).to.equal('Not sent: you were removed from this room');
  });

  it('isolates names and sets each text’s direction, so a right-to-left name or message cannot reorder the line', async () => {
    const room = uniqueRoom();
    // The relay refuses bidi controls (U+202E) in names; <bdi> still isolates a right-to-left name from what follows it.
    await post(room, 'שלום עולם', { id: 'bot-rtl', name: 'דנה 2' });
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="reader"></live-chat>`);
    await shows(el, 'שלום עולם');
    expect(part(el, 'author')!.localName).to.equal('bdi');
    expect(part(el, 'text')!.getAttribute('dir')).to.equal('auto');
    expect(getComputedStyle(part(el, 'text')!).direction).to.equal('rtl');
    expect(el.shadowRoot!.querySelector('textarea')!.getAttribute('dir')).to.equal('auto');
  });

  it('says it is reconnecting and that queued messages will be sent', async () => {
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="commuter"></live-chat>`);
    await online(el);
    await fetch('/__relay/drop');
    await waitUntil(() => !part(el, 'status')!.classList.contains('online'), 'never went offline');
    el.send('in the tunnel');
    await el.updateComplete;
    const banner = el.shadowRoot!.querySelector('p.offline');
    expect(banner?.getAttribute('role')).to.equal('status');
    expect(banner!.textContent!.trim()).to.equal('Reconnecting… Your messages will be sent.');
    await online(el);
    await shows(el, 'in the tunnel');
    expect(el.shadowRoot!.querySelector('p.offline')).to.equal(null);
  });

  it('sends a message typed while offline once the connection is back, exactly once, and fills the gap', async () => {
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="traveller"></live-chat>`);
    await online(el);
    await typeAndSend(el, 'before');
    await shows(el, 'before');
    await fetch('/__relay/drop');
    await waitUntil(() => !part(el, 'status')!.classList.contains('online'), 'never went offline');
    await post(room, 'said while you were away');
    el.send('typed while offline');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.pending [part=text]')!.textContent).to.equal('typed while offline');
    await online(el);
    await shows(el, 'typed while offline');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(texts(el)).to.deep.equal(['before', 'said while you were away', 'typed while offline']);
    const { url } = await relayInfo();
    const stored = await (await fetch(`${url}/api/rooms/${room}/messages`)).json();
    expect(stored.messages.map((m: any) => m.text)).to.deep.equal(['before', 'said while you were away', 'typed while offline']);
  });

  it('shows a countdown when rate limited, keeps taking messages, then sends what waited in order', async () => {
    const { strictUrl } = await relayInfo();
    const el = await fixture<LiveChat>(html`<live-chat server=${strictUrl} room=${uniqueRoom()} name="fast"></live-chat>`);
    await online(el);
    for (const text of ['1', '2', '3', '4', '5']) el.send(text);
    await waitUntil(() => el.shadowRoot!.querySelector('.slow'), 'no countdown');
    expect(el.shadowRoot!.querySelector('.slow')!.textContent).to.match(/^Slow down: you can send again in \d s$/);
    // The visitor is not blocked: what they write now waits in the queue.
    await typeAndSend(el, '6');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('textarea')!.value).to.equal('', 'taken into the queue');
    expect(all(el, '.pending [part=text]').map((p) => p.textContent)).to.include('6');
    await waitUntil(() => texts(el).join() === '1,2,3,4,5,6' && !el.shadowRoot!.querySelector('.pending'), 'the waiting messages never went out', {
      timeout: 8000,
    });
    expect(all(el, '.failed')).to.deep.equal([], 'none failed on the rate limit');
    expect(el.shadowRoot!.querySelector('.slow')).to.equal(null);
  });

  it('lets authors delete their messages, and moderators delete and ban, from a visible menu that asks first', async () => {
    const room = uniqueRoom();
    const mod = await fixture<LiveChat>(
      html`<live-chat room=${room} token=${await token('mod-1', 'Mia', 'moderator')}></live-chat>`,
    );
    const troll = await fixture<LiveChat>(html`<live-chat room=${room} name="troll"></live-chat>`);
    await Promise.all([online(mod), online(troll)]);
    await typeAndSend(troll, 'mine to delete');
    await shows(troll, 'mine to delete');
    await shows(mod, 'mine to delete');
    const more = (el: LiveChat) => el.shadowRoot!.querySelector<HTMLElement>('.message:last-of-type [part=more]')!;
    // The menu's actions (its first row, the reaction toggles, aside).
    const menu = (el: LiveChat) => all(el, '[part=message-menu] button:not(.reaction)').map((b) => b.textContent!.trim());
    const press = (el: LiveChat, label: string) =>
      all(el, '[part=message-menu] button').find((b) => b.textContent!.trim() === label)!.click();
    // Visible without hover (a phone has none), and nothing is deleted by one tap.
    expect(getComputedStyle(more(troll)).opacity).to.equal('1');
    expect(more(troll).getAttribute('aria-label')).to.equal('Actions');
    more(troll).click();
    await troll.updateComplete;
    expect(menu(troll)).to.deep.equal(['Reply', 'Edit', 'Delete', 'Cancel'], 'authors may delete their own');
    press(troll, 'Delete');
    await troll.updateComplete;
    expect(part(troll, 'message-menu')!.textContent).to.contain('Delete this message?');
    expect(texts(mod)).to.include('mine to delete', 'not deleted before confirming');
    // From the keyboard: the confirmation has the focus.
    expect(troll.shadowRoot!.activeElement!.textContent!.trim()).to.equal('Delete');
    await sendKeys({ press: 'Enter' });
    await shows(mod, 'Message deleted');
    await waitUntil(() => troll.shadowRoot!.querySelector('[role=status]:not(.offline)')?.textContent === 'Message deleted', 'no confirmation for the author');

    await typeAndSend(troll, 'spam');
    await shows(mod, 'spam');
    more(mod).click();
    await mod.updateComplete;
    // Ban and pin come with the moderator script, loaded from the relay for moderators only.
    await waitUntil(() => menu(mod).includes('Ban…'), 'no moderator tools', { timeout: 5000 });
    expect(menu(mod)).to.deep.equal(['Reply', 'Delete', 'Report…', 'Ban…', 'Pin', 'Cancel']);
    press(mod, 'Ban…');
    await mod.updateComplete;
    const lengths = all(mod, '[part=message-menu] option').map((o) => o.textContent);
    expect(lengths).to.deep.equal(['5 minutes', '1 hour', '24 hours', '7 days']);
    expect(mod.shadowRoot!.querySelector('[part=message-menu] input[name=reason]')).not.to.equal(null);
    mod.shadowRoot!.querySelector<HTMLSelectElement>('[part=message-menu] select')!.value = '5';
    mod.shadowRoot!.querySelector<HTMLElement>('[part=message-menu] button[type=submit]')!.click();
    await waitUntil(() => part(troll, 'status')!.textContent!.trim() === 'Removed from this room by a moderator', 'no ban shown');
    await waitUntil(() => all(mod, '[role=status]').some((p) => p.textContent === 'troll is banned for 5 minutes.'), 'no confirmation for the moderator');
  });

  it('keeps the message list to one Tab stop, with arrow keys between messages', async () => {
    const room = uniqueRoom();
    for (const text of ['one', 'two', 'three']) await post(room, text);
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="keys"></live-chat>`);
    await shows(el, 'three');
    await el.updateComplete;
    const stops = all(el, '[part=messages] [tabindex="0"], [part=messages] button:not([tabindex="-1"])');
    expect(stops.length).to.equal(1, 'one Tab stop in the list');
    stops[0]!.focus();
    await sendKeys({ press: 'ArrowUp' });
    expect(el.shadowRoot!.activeElement!.querySelector('[part=text]')!.textContent).to.equal('two');
    await sendKeys({ press: 'Home' });
    expect(el.shadowRoot!.activeElement!.querySelector('[part=text]')!.textContent).to.equal('one');
    expect(all(el, '[part=messages] [tabindex="0"]').length).to.equal(1);
  });

  it('draws badges for verified members and moderators, marks guests, shows avatars or initials, and “(you)”', async () => {
    const room = uniqueRoom();
    await post(room, 'I am Bot', { id: 'bot', name: 'Bot' });
    const mod = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token('mod-3', 'Mae', 'moderator')}></live-chat>`);
    const guest = await fixture<LiveChat>(html`<live-chat room=${room} name="[verified] Eve"></live-chat>`);
    await Promise.all([online(mod), online(guest)]);
    await typeAndSend(mod, 'hello from the mod');
    await shows(guest, 'hello from the mod');
    await typeAndSend(guest, 'hello from the guest');
    await shows(guest, 'hello from the guest');
    await waitUntil(() => !guest.shadowRoot!.querySelector('.pending'), 'never stored');
    const messages = all(guest, 'article');
    const last = (selector: string, index: number) => messages[index]!.querySelector(selector);
    expect(last('[part=verified]', 1)!.getAttribute('aria-label')).to.equal('Verified');
    expect(last('[part=moderator]', 1)!.getAttribute('aria-label')).to.equal('Moderator');
    expect(last('[part=verified]', 2)).to.equal(null, 'a guest named "[verified] …" gets no badge');
    expect(last('[part=author]', 2)!.classList.contains('guest')).to.equal(true);
    expect(last('[part=avatar]', 2)!.textContent).to.equal('[');
    part(guest, 'status')!.click();
    await guest.updateComplete;
    const mine = all(guest, '[part=members] li').find((li) => li.textContent!.includes('(you)'))!;
    expect(mine.querySelector('[part=author]')!.textContent).to.equal('[verified] Eve');
  });

  it('lists named members only, counting readers who never chose a name', async () => {
    localStorage.clear();
    const room = uniqueRoom();
    const alice = await fixture<LiveChat>(html`<live-chat room=${room} name="Alice"></live-chat>`);
    const reader = await fixture<LiveChat>(html`<live-chat room=${room}></live-chat>`);
    await Promise.all([online(alice), online(reader)]);
    await waitUntil(() => part(alice, 'status')!.textContent!.trim() === '2 here');
    part(alice, 'status')!.click();
    await alice.updateComplete;
    expect(all(alice, '[part=members] li').map((li) => li.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'Alice guest (you)',
      '+ 1 reading',
    ]);
  });

  it('lets a guest change their nickname', async () => {
    localStorage.clear();
    const el = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()}></live-chat>`);
    await online(el);
    const nickname = () => el.shadowRoot!.querySelector<HTMLInputElement>('input[name="nickname"]')!;
    nickname().focus();
    await sendKeys({ type: 'Ann' });
    await sendKeys({ press: 'Enter' });
    await online(el);
    part(el, 'status')!.click();
    await el.updateComplete;
    all(el, '[part=members] button').find((b) => b.textContent!.trim() === 'Change name')!.click();
    await el.updateComplete;
    expect(nickname().value).to.equal('Ann');
    nickname().select();
    await sendKeys({ type: 'Annie' });
    await sendKeys({ press: 'Enter' });
    await online(el);
    await typeAndSend(el, 'renamed');
    await shows(el, 'renamed');
    expect(all(el, '[part=author]').at(-1)!.textContent).to.equal('Annie');
    localStorage.clear();
  });

  it('has a host API: send(), and live-chat-* events that bubble out of the shadow DOM', async () => {
    const room = uniqueRoom();
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const seen: string[] = [];
    host.addEventListener('live-chat-connect', () => seen.push('connect'));
    host.addEventListener('live-chat-message', (e) => seen.push(`message:${e.message.text}`));
    host.addEventListener('live-chat-error', (e) => seen.push(`error:${e.error.code}`));
    const el = Object.assign(document.createElement('live-chat'), { room, name: 'api' });
    host.append(el);
    await online(el);
    el.send('from the page');
    await shows(el, 'from the page');
    el.send('x'.repeat(2001));
    await waitUntil(() => seen.includes('error:too_long'), 'no error event');
    expect(seen).to.deep.equal(['connect', 'message:from the page', 'error:too_long']);
  });

  it('says why when the relay refuses the connection, and raises live-chat-error', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const codes: string[] = [];
    host.addEventListener('live-chat-error', (e) => codes.push(e.error.code));
    const el = Object.assign(document.createElement('live-chat'), { room: uniqueRoom(), server: (await relayInfo()).closedUrl, name: 'visitor' });
    host.append(el);
    await waitUntil(() => part(el, 'status')?.textContent?.trim() === 'This site may not use this chat', 'no refusal shown');
    expect(codes).to.deep.equal(['origin_not_allowed']);
    // A refused token is the visitor's identity, not the connection: they read on, and may sign in again (identity.test.ts).
    const reader = Object.assign(document.createElement('live-chat'), { room: uniqueRoom(), token: 'not-a-valid-token' });
    host.append(reader);
    await waitUntil(() => part(reader, 'notice')?.textContent?.includes('Your sign-in has expired.'), 'no way to sign in again');
    expect(codes).to.deep.equal(['origin_not_allowed', 'unauthorized']);
    await online(reader);
  });

  it('shares one connection between widgets of one identity on one page, even in different rooms', async () => {
    const { url } = await relayInfo();
    const connections = async () => Number(/^live_chat_connections (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())![1]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await connections();
    const a = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} name="sharer"></live-chat>`);
    const b = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} name="sharer"></live-chat>`);
    await Promise.all([online(a), online(b)]);
    expect(await connections()).to.equal(before + 1);
    await typeAndSend(b, 'in room b');
    await shows(b, 'in room b');
    expect(texts(a)).to.deep.equal([], 'each widget sees its own room only');
  });
});
