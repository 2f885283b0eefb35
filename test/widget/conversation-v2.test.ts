import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { LiveChatMentionEvent } from '../../widget/events.js';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, part, post, shows, texts, token, typeAndSend, uniqueRoom } from './helpers.js';

const all = (el: LiveChat, selector: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(selector)];
const article = (el: LiveChat, text: string) =>
  all(el, 'article').find((a) => a.querySelector('[part~=text]')?.textContent === text)!;
/** Opens a message's menu and presses one of its buttons. */
async function fromMenu(el: LiveChat, text: string, label: string): Promise<void> {
  article(el, text).querySelector<HTMLElement>('[part=more]')!.click();
  await el.updateComplete;
  all(el, '[part=message-menu] button').find((b) => b.textContent!.trim() === label)!.click();
  await el.updateComplete;
}

describe('<live-chat> conversation v2: replies, mentions, reactions, edits', () => {
  before(loadWidget);

  it('replies from the menu: the composer says what it answers (Escape cancels), the reply quotes its parent and shows it', async () => {
    const room = uniqueRoom();
    await post(room, 'the parent');
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="replier"></live-chat>`);
    await shows(el, 'the parent');
    await fromMenu(el, 'the parent', 'Reply');
    expect(part(el, 'context')!.textContent).to.contain('Replying to Bot');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(part(el, 'context')).to.equal(null, 'Escape cancels the reply');
    await fromMenu(el, 'the parent', 'Reply');
    await typeAndSend(el, 'the answer');
    await shows(el, 'the answer');
    await waitUntil(() => article(el, 'the answer')?.querySelector('[part=reply-quote]'), 'no quote');
    const quote = article(el, 'the answer').querySelector<HTMLElement>('[part=reply-quote]')!;
    expect(quote.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Bot: the parent');
    quote.click();
    await waitUntil(() => el.shadowRoot!.activeElement === article(el, 'the parent'), 'the parent was not shown');
    await expect(el).to.be.accessible();
  });

  it('loads a reply’s parent with history when it is not held', async () => {
    const room = uniqueRoom();
    const parent = await post(room, 'long ago');
    for (let i = 0; i < 55; i++) await post(room, `filler ${i}`);
    const { url, adminKey } = await (await fetch('/__relay/urls.json')).json();
    await fetch(`${url}/api/rooms/${room}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ text: 'answering long ago', author: { id: 'bot', name: 'Bot' }, replyTo: parent.seq }),
    });
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="archivist"></live-chat>`);
    await shows(el, 'answering long ago');
    expect(texts(el)).not.to.include('long ago');
    article(el, 'answering long ago').querySelector<HTMLElement>('[part=reply-quote]')!.click();
    await waitUntil(() => el.shadowRoot!.activeElement === article(el, 'long ago'), 'the parent was not fetched and shown', { timeout: 5000 });
  });

  it('offers the room’s members after @ (keyboard), sends mentions, highlights them for the one named and tells the page', async () => {
    const room = uniqueRoom();
    const ann = await fixture<LiveChat>(html`<live-chat room=${room} name="Ann"></live-chat>`);
    const zoe = await fixture<LiveChat>(html`<live-chat room=${room} name="Zoe"></live-chat>`);
    const zack = await fixture<LiveChat>(html`<live-chat room=${room} name="Zack"></live-chat>`);
    await Promise.all([online(ann), online(zoe), online(zack)]);
    await waitUntil(() => (ann as any).chat.members.size === 3, 'not everyone is here');
    const input = ann.shadowRoot!.querySelector('textarea')!;
    input.focus();
    await sendKeys({ type: 'hi @z' });
    await ann.updateComplete;
    const options = () => all(ann, '[part=mentions] [role=option]').map((o) => o.textContent!.trim());
    // Guests, tagged so (a look-alike of a verified name never looks verified).
    expect(options()).to.have.members(['Zoe guest', 'Zack guest']);
    expect(part(ann, 'mentions')!.getAttribute('role')).to.equal('listbox');
    expect(input.getAttribute('aria-controls')).to.equal('mentions');
    await expect(ann).to.be.accessible();
    await sendKeys({ type: 'o' });
    await ann.updateComplete;
    expect(options()).to.deep.equal(['Zoe guest']);
    expect(input.getAttribute('aria-activedescendant')).to.equal('mention-0');
    await sendKeys({ press: 'Enter' });
    await ann.updateComplete;
    expect(input.value).to.equal('hi @Zoe ', 'Enter picks, and does not send');
    const mentioned = oneEvent(zoe, 'live-chat-mention') as Promise<LiveChatMentionEvent>;
    await sendKeys({ type: 'welcome' });
    await sendKeys({ press: 'Enter' });
    expect((await mentioned).message.text).to.equal('hi @Zoe welcome');
    await shows(zoe, 'hi @Zoe welcome');
    await shows(zack, 'hi @Zoe welcome');
    expect(article(zoe, 'hi @Zoe welcome').getAttribute('part')).to.equal('message mention');
    expect(article(zack, 'hi @Zoe welcome').getAttribute('part')).to.equal('message');
  });

  it('mentions a hand-typed @name (any case) among those here and the room’s recent authors, the longest name that fits', async () => {
    const room = uniqueRoom();
    // Alice Lee wrote earlier and left; Alice is here.
    const lee = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token('alice-lee', 'Alice Lee')}></live-chat>`);
    await online(lee);
    await typeAndSend(lee, 'back later');
    await shows(lee, 'back later');
    lee.remove();
    const alice = await fixture<LiveChat>(html`<live-chat room=${room} name="Alice"></live-chat>`);
    const bob = await fixture<LiveChat>(html`<live-chat room=${room} name="Bob"></live-chat>`);
    await Promise.all([online(alice), online(bob)]);
    await shows(bob, 'back later');
    await waitUntil(() => (bob as any).chat.members.size === 2, 'not both here');
    const mentioned = oneEvent(alice, 'live-chat-mention') as Promise<LiveChatMentionEvent>;
    await typeAndSend(bob, '@alice are you there?');
    expect((await mentioned).message.text).to.equal('@alice are you there?');
    await shows(alice, '@alice are you there?');
    expect(article(alice, '@alice are you there?').getAttribute('part')).to.equal('message mention');
    await typeAndSend(bob, 'ping @Alice Lee, and @Alicia nobody');
    await shows(bob, 'ping @Alice Lee, and @Alicia nobody');
    await waitUntil(() => (bob as any).chat.messages.at(-1)?.text === 'ping @Alice Lee, and @Alicia nobody', 'not stored');
    expect((bob as any).chat.messages.at(-1).mentions.map((m: any) => m.name)).to.deep.equal(['Alice Lee'], 'the longest name, and no prefix of a word');
    await shows(alice, 'ping @Alice Lee, and @Alicia nobody');
    expect(article(alice, 'ping @Alice Lee, and @Alicia nobody').getAttribute('part')).to.equal('message');
    const back = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token('alice-lee', 'Alice Lee')}></live-chat>`);
    await shows(back, 'ping @Alice Lee, and @Alicia nobody');
    expect(article(back, 'ping @Alice Lee, and @Alicia nobody').getAttribute('part')).to.equal('message mention', 'highlighted when she comes back');
  });

  it('quotes a parent as it is now: edited, then deleted, without a reload', async () => {
    const room = uniqueRoom();
    const ann = await fixture<LiveChat>(html`<live-chat room=${room} name="Ann"></live-chat>`);
    const bob = await fixture<LiveChat>(html`<live-chat room=${room} name="Bob"></live-chat>`);
    await Promise.all([online(ann), online(bob)]);
    await typeAndSend(ann, 'meet at 5');
    await shows(bob, 'meet at 5');
    await fromMenu(bob, 'meet at 5', 'Reply');
    await typeAndSend(bob, 'ok');
    const quote = (el: LiveChat) => article(el, 'ok')?.querySelector('[part=reply-quote]')?.textContent!.replace(/\s+/g, ' ').trim();
    await waitUntil(() => quote(ann) === 'Ann: meet at 5', 'no quote');
    await waitUntil(() => !ann.shadowRoot!.querySelector('.pending') && !bob.shadowRoot!.querySelector('.pending'));
    await fromMenu(ann, 'meet at 5', 'Edit');
    const input = ann.shadowRoot!.querySelector('textarea')!;
    input.select();
    await sendKeys({ type: 'meet at 6' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => quote(bob) === 'Ann: meet at 6', 'the quote stayed stale for the other');
    await waitUntil(() => quote(ann) === 'Ann: meet at 6', 'the quote stayed stale for the author');
    await fromMenu(ann, 'meet at 6', 'Delete');
    all(ann, '[part=message-menu] button').find((b) => b.textContent!.trim() === 'Delete')!.click();
    await waitUntil(() => quote(bob) === 'Ann: Message deleted', 'the quote still shows a deleted text');
  });

  it('picks a member with a tap too', async () => {
    const room = uniqueRoom();
    const ann = await fixture<LiveChat>(html`<live-chat room=${room} name="Ann"></live-chat>`);
    const bea = await fixture<LiveChat>(html`<live-chat room=${room} name="Bea"></live-chat>`);
    await Promise.all([online(ann), online(bea)]);
    await waitUntil(() => (ann as any).chat.members.size === 2);
    ann.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: '@' });
    await waitUntil(() => all(ann, '[part=mentions] [role=option]').length > 0, 'no members offered after @');
    all(ann, '[part=mentions] [role=option]')[0]!.click();
    await ann.updateComplete;
    expect(ann.shadowRoot!.querySelector('textarea')!.value).to.equal('@Bea ');
  });

  it('shows a mention in the launcher badge with @', async () => {
    const room = uniqueRoom();
    const sam = await fixture<LiveChat>(html`<live-chat room=${room} name="Sam" mode="launcher"></live-chat>`);
    const tom = await fixture<LiveChat>(html`<live-chat room=${room} name="Tom"></live-chat>`);
    await Promise.all([waitUntil(() => (sam as any).chat.status === 'online'), online(tom)]);
    await waitUntil(() => (tom as any).chat.members.size === 2);
    tom.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: '@Sa' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'look' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(sam, 'badge')?.textContent === '@1', 'no @ in the badge');
    expect(part(sam, 'launcher')!.getAttribute('aria-label')).to.equal('Open chat (1 unread, you were mentioned)');
  });

  it('toggles reactions with counts across two visitors, the own one pressed, with accessible names', async () => {
    const room = uniqueRoom();
    await post(room, 'react to me');
    const a = await fixture<LiveChat>(html`<live-chat room=${room} name="A"></live-chat>`);
    const b = await fixture<LiveChat>(html`<live-chat room=${room} name="B"></live-chat>`);
    await Promise.all([shows(a, 'react to me'), shows(b, 'react to me')]);
    await fromMenu(a, 'react to me', '👍');
    const reaction = (el: LiveChat) => article(el, 'react to me').querySelector<HTMLElement>('[part=reaction]');
    await waitUntil(() => reaction(b)?.textContent!.trim() === '👍 1', 'B never saw A’s reaction');
    expect(reaction(a)!.getAttribute('aria-pressed')).to.equal('true');
    expect(reaction(b)!.getAttribute('aria-pressed')).to.equal('false');
    expect(reaction(b)!.getAttribute('aria-label')).to.equal('1 person reacted 👍');
    expect(part(b, 'reactions')!.getAttribute('role')).to.equal('group');
    reaction(b)!.click();
    await waitUntil(() => reaction(a)?.textContent!.trim() === '👍 2', 'A never saw B’s reaction');
    expect(reaction(a)!.getAttribute('aria-label')).to.equal('2 people reacted 👍');
    reaction(a)!.click();
    await waitUntil(() => reaction(b)?.textContent!.trim() === '👍 1' && reaction(b)!.getAttribute('aria-pressed') === 'true');
    await waitUntil(() => reaction(a)?.getAttribute('aria-pressed') === 'false');
    await expect(b).to.be.accessible();
  });

  it('edits one’s last message with ↑ in the empty field (or from the menu), marked “(edited)” for everyone', async () => {
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="Ed"></live-chat>`);
    const other = await fixture<LiveChat>(html`<live-chat room=${room} name="Other"></live-chat>`);
    await Promise.all([online(el), online(other)]);
    await typeAndSend(el, 'teh typo');
    await shows(other, 'teh typo');
    await waitUntil(() => !el.shadowRoot!.querySelector('.pending'));
    await sendKeys({ press: 'ArrowUp' });
    await el.updateComplete;
    const input = el.shadowRoot!.querySelector('textarea')!;
    expect(input.value).to.equal('teh typo');
    expect(part(el, 'context')!.textContent).to.contain('Editing your message');
    input.select();
    await sendKeys({ type: 'the typo' });
    await sendKeys({ press: 'Enter' });
    await shows(other, 'the typo');
    expect(article(other, 'the typo').querySelector('[part=edited]')!.textContent).to.equal('(edited)');
    await shows(el, 'the typo');
    await fromMenu(el, 'the typo', 'Edit');
    expect(input.value).to.equal('the typo');
  });

  it('rejoins with since and sinceRev: a message deleted and one reacted to while offline change after the reconnect', async () => {
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="away"></live-chat>`);
    const other = await fixture<LiveChat>(html`<live-chat room=${room} name="present"></live-chat>`);
    await Promise.all([online(el), online(other)]);
    await typeAndSend(other, 'deleted while you were away');
    await post(room, 'stays');
    await Promise.all([shows(el, 'stays'), shows(other, 'stays')]);
    const seqOf = (text: string) => (el as any).chat.messages.find((m: any) => m.text === text).seq;
    // Hold el's reconnect back until the others have changed the room.
    (el as any).remove();
    await fetch('/__relay/drop');
    await waitUntil(() => !part(other, 'status')!.classList.contains('online'), 'never went offline');
    await online(other);
    expect(await (other as any).chat.remove(seqOf('deleted while you were away'))).to.equal(true);
    await (other as any).chat.react(seqOf('stays'), '🎉', true);
    document.body.append(el);
    await online(el);
    await waitUntil(() => !texts(el).includes('deleted while you were away'), 'the deletion was not caught up');
    await waitUntil(() => article(el, 'stays').querySelector('[part=reaction]')?.textContent!.trim() === '🎉 1', 'the reaction was not caught up');
  });

  it('speaks French too', async () => {
    const room = uniqueRoom();
    await post(room, 'bonjour');
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="Zoé" lang="fr"></live-chat>`);
    await shows(el, 'bonjour');
    await fromMenu(el, 'bonjour', 'Répondre');
    expect(part(el, 'context')!.textContent).to.contain('Réponse à Bot');
  });
});
