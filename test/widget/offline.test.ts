import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { LiveChat } from '../../widget/live-chat.js';
import { freeze, loadWidget, online, part, relayInfo, shows, texts, typeAndSend, uniqueRoom } from './helpers.js';

/**
 * "Offline" within 5 s of losing the network, never a stale online count:
 * from the browser's offline event, and from a relay that stops answering
 * (a TCP proxy that freezes: nothing passes, nothing closes, so only the
 * widget's own liveness check can tell).
 */
const status = (el: LiveChat) => part(el, 'status')!.textContent!.trim();

describe('<live-chat> offline', () => {
  before(loadWidget);
  afterEach(async () => {
    await waitUntil(() => navigator.onLine, 'the browser never came back online', { timeout: 6000 });
    await freeze(false);
  });

  it('says "Offline" at once when the browser loses the network, and comes back by itself', async function () {
    this.timeout(30_000);
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="Olive"></live-chat>`);
    await online(el);
    await executeServerCommand('go-offline', 4000);
    const lost = Date.now();
    await waitUntil(() => !navigator.onLine, 'the browser never went offline');
    await waitUntil(() => status(el) === 'Offline', `still "${status(el)}"`, { timeout: 3500 });
    expect(Date.now() - lost).to.be.below(3500);
    el.send('written offline');
    await el.updateComplete;
    expect(status(el), 'no count while offline').to.equal('Offline');
    await waitUntil(() => part(el, 'status')!.classList.contains('online'), 'never came back', { timeout: 10_000 });
    await shows(el, 'written offline');
  });

  it('says "Offline" within 5 s when the relay stops answering a send, then sends it exactly once when it answers again', async function () {
    this.timeout(30_000);
    const room = uniqueRoom();
    const { frozenUrl } = await relayInfo();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} server=${frozenUrl} name="Frida"></live-chat>`);
    await online(el);
    expect(status(el)).to.equal('1 here');
    await freeze(true);
    const lost = Date.now();
    await typeAndSend(el, 'into the void');
    await waitUntil(() => status(el) === 'Offline', `still "${status(el)}"`, { timeout: 6000 });
    expect(Date.now() - lost, 'said within 5 s').to.be.below(5000);
    expect(el.shadowRoot!.querySelector('.pending [part=text]')!.textContent).to.equal('into the void');
    expect(el.shadowRoot!.querySelector('p.offline')!.textContent!.trim()).to.equal('Reconnecting… Your messages will be sent.');
    await freeze(false);
    await waitUntil(() => part(el, 'status')!.classList.contains('online'), 'never came back', { timeout: 15_000 });
    await shows(el, 'into the void');
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(el).filter((t) => t === 'into the void')).to.have.length(1);
    expect(el.shadowRoot!.querySelector('.pending')).to.equal(null);
  });

  it('a relay slow to answer (4 s) is shown "Offline" meanwhile, but the connection is kept: no reconnect, the message once', async function () {
    this.timeout(30_000);
    const { frozenUrl } = await relayInfo();
    const el = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} server=${frozenUrl} name="Sam"></live-chat>`);
    await online(el);
    let dropped = 0;
    el.addEventListener('live-chat-disconnect', () => dropped++);
    await freeze(true);
    await typeAndSend(el, 'slowly');
    await waitUntil(() => status(el) === 'Offline', `still "${status(el)}"`, { timeout: 6000 });
    await new Promise((r) => setTimeout(r, 500));
    await freeze(false);
    await waitUntil(() => part(el, 'status')!.classList.contains('online'), 'never came back', { timeout: 5000 });
    await shows(el, 'slowly');
    expect(dropped, 'the connection was kept').to.equal(0);
    expect(texts(el).filter((t) => t === 'slowly')).to.have.length(1);
  });
});
