import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, part, post, shows, token, typeAndSend, uniqueRoom } from './helpers.js';

/**
 * Room settings and reports (PROTOCOL.md v2, moderation). These need a relay
 * that speaks `configure`, `report` and the `room` event.
 */
const all = (el: LiveChat, selector: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(selector)];
const configure = (mod: LiveChat, settings: object) => (mod as any).chat.ask('configure', { settings });

async function moderator(room: string): Promise<LiveChat> {
  const mod = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token('mod-v2', 'Moe', 'moderator')}></live-chat>`);
  await online(mod);
  return mod;
}

describe('<live-chat> moderation v2', () => {
  before(loadWidget);

  it('shows the topic and the pinned message as a banner that folds, live', async () => {
    const room = uniqueRoom();
    const pinned = await post(room, 'house rules: be kind');
    const mod = await moderator(room);
    const visitor = await fixture<LiveChat>(html`<live-chat room=${room} name="reader"></live-chat>`);
    await online(visitor);
    expect(await configure(mod, { topic: 'All about cats', pinnedSeq: pinned.seq })).to.not.equal(undefined);
    await waitUntil(() => part(visitor, 'topic')?.textContent === 'All about cats', 'no topic');
    await waitUntil(() => part(visitor, 'pinned'), 'no pinned banner');
    const banner = part(visitor, 'pinned') as HTMLDetailsElement;
    expect(banner.localName).to.equal('details');
    expect(banner.textContent).to.contain('house rules: be kind');
    banner.querySelector('summary')!.click();
    expect(banner.open).to.equal(false);
    await expect(visitor).to.be.accessible();
    await configure(mod, { pinnedSeq: null });
    await waitUntil(() => !part(visitor, 'pinned'), 'still pinned');
  });

  it('shows the room’s rules as chips in the header, to everyone, moderators too, before anyone types; live', async () => {
    const room = uniqueRoom();
    const mod = await moderator(room);
    await configure(mod, { slowModeSeconds: 30, membersOnly: true });
    const visitor = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token('rules-reader', 'Rita')}></live-chat>`);
    await online(visitor);
    const rules = (el: LiveChat) => all(el, '[part=rules] [part=rule]').map((r) => r.textContent!.trim());
    await waitUntil(() => rules(visitor).length === 2, 'no rules shown');
    expect(rules(visitor)).to.deep.equal(['Slow mode: 30 s', 'Members only']);
    await waitUntil(() => rules(mod).length === 2, 'the moderator sees no rules');
    expect(part(visitor, 'header')!.contains(part(visitor, 'rules'))).to.equal(true);
    await configure(mod, { slowModeSeconds: 120, membersOnly: false, paused: true });
    await waitUntil(() => rules(visitor).join() === 'Slow mode: 120 s,Paused', `rules not updated: ${rules(visitor)}`);
    await expect(visitor).to.be.accessible();
    await configure(mod, { slowModeSeconds: 0, paused: false });
    await waitUntil(() => !part(visitor, 'rules'), 'rules still shown');
  });

  it('slow mode: a countdown in the composer, the draft kept, then sends again', async () => {
    const room = uniqueRoom();
    const mod = await moderator(room);
    await configure(mod, { slowModeSeconds: 5 });
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="slowpoke"></live-chat>`);
    await online(el);
    await typeAndSend(el, 'first');
    await shows(el, 'first');
    await waitUntil(() => el.shadowRoot!.querySelector('.slow'), 'no countdown');
    expect(el.shadowRoot!.querySelector('.slow')!.textContent).to.match(/^Slow mode: you can send again in \d s$/);
    await typeAndSend(el, 'second');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('textarea')!.value).to.equal('second', 'the draft is kept');
    expect((part(el, 'send') as HTMLButtonElement).disabled).to.equal(true);
    await waitUntil(() => !el.shadowRoot!.querySelector('.slow'), 'the countdown never ended', { timeout: 7000 });
    (part(el, 'send') as HTMLButtonElement).click();
    await shows(el, 'second');
  });

  it('members only: a guest reads, is told to sign in, and the page hears it; paused: “Chat is paused”', async () => {
    const room = uniqueRoom();
    const mod = await moderator(room);
    await configure(mod, { membersOnly: true });
    const guest = await fixture<LiveChat>(html`<live-chat room=${room} name="guest"></live-chat>`);
    await online(guest);
    await waitUntil(() => part(guest, 'notice'), 'no notice');
    expect(part(guest, 'notice')!.textContent).to.contain('Sign in to chat.');
    expect(guest.shadowRoot!.querySelector('textarea')).to.equal(null);
    const signin = oneEvent(guest, 'live-chat-signin');
    part(guest, 'notice')!.querySelector('button')!.click();
    await signin;
    await expect(guest).to.be.accessible();
    await configure(mod, { membersOnly: false, paused: true });
    await waitUntil(() => part(guest, 'notice')?.textContent!.trim() === 'Chat is paused.', 'not paused');
    expect(mod.shadowRoot!.querySelector('textarea')).to.not.equal(null, 'moderators still write');
  });

  it('reports a message with a reason; the moderator gets a notice with a one-click delete', async () => {
    const room = uniqueRoom();
    const mod = await moderator(room);
    const reporter = await fixture<LiveChat>(html`<live-chat room=${room} name="reporter"></live-chat>`);
    await online(reporter);
    await post(room, 'buy cheap watches');
    await shows(reporter, 'buy cheap watches');
    await waitUntil(() => mod.shadowRoot!.querySelector('.mod-settings'), 'no moderator tools');
    reporter.shadowRoot!.querySelector<HTMLElement>('article [part=more]')!.click();
    await reporter.updateComplete;
    all(reporter, '[part=message-menu] button').find((b) => b.textContent!.trim() === 'Report…')!.click();
    await reporter.updateComplete;
    reporter.shadowRoot!.querySelector<HTMLInputElement>('[part=message-menu] input[name=reason]')!.value = 'spam';
    reporter.shadowRoot!.querySelector<HTMLElement>('[part=message-menu] button[type=submit]')!.click();
    await waitUntil(() => all(reporter, '[role=status]').some((p) => p.textContent === 'Reported to the moderators. Thank you.'), 'no confirmation');
    await waitUntil(() => mod.shadowRoot!.querySelector('.reports li'), 'no report notice');
    const notice = mod.shadowRoot!.querySelector('.reports li')!;
    expect(notice.textContent).to.contain('Reported by reporter: spam');
    expect(notice.textContent).to.contain('buy cheap watches');
    [...notice.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Delete')!.click();
    await shows(reporter, 'Message deleted');
  });

  it('the moderator panel: topic, slow mode, members only, pause, blocked words, bans; each change confirmed', async () => {
    const room = uniqueRoom();
    const mod = await moderator(room);
    await waitUntil(() => mod.shadowRoot!.querySelector('.mod-settings'), 'no moderator tools', { timeout: 5000 });
    mod.shadowRoot!.querySelector<HTMLElement>('.mod-settings')!.click();
    await mod.updateComplete;
    const form = mod.shadowRoot!.querySelector<HTMLFormElement>('.mod-panel form')!;
    expect([...form.querySelectorAll('select[name=slowModeSeconds] option')].map((o) => o.textContent)).to.deep.equal(['Off', '5 s', '30 s', '2 min']);
    (form.elements.namedItem('topic') as HTMLInputElement).value = 'Launch day';
    (form.elements.namedItem('slowModeSeconds') as HTMLSelectElement).value = '30';
    (form.elements.namedItem('blockedWords') as HTMLTextAreaElement).value = 'spam\nscam';
    form.querySelector<HTMLElement>('button[type=submit]')!.click();
    await waitUntil(() => all(mod, '[role=status]').some((p) => p.textContent === 'Room settings saved.'), 'not confirmed');
    await waitUntil(() => part(mod, 'topic')?.textContent === 'Launch day');
    const settings = (mod as any).chat.settings;
    expect(settings.slowModeSeconds).to.equal(30);
    expect(settings.blockedWords).to.deep.equal(['spam', 'scam']);
    await expect(mod).to.be.accessible();
  });
});
