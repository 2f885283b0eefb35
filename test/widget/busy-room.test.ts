import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, part, post, texts, uniqueRoom } from './helpers.js';

/** Posts `n` messages through the relay's HTTP API, `width` at a time (the order within a batch is the relay's). */
async function burst(room: string, n: number, width = 25): Promise<void> {
  for (let i = 0; i < n; i += width) {
    await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, j) => post(room, `m${i + j + 1}`)));
  }
}

describe('<live-chat> in a busy room', () => {
  before(loadWidget);

  it('renders a burst of messages in a few frames, not once per message', async () => {
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="reader"></live-chat>`);
    await online(el);
    let renders = 0;
    const update = (el as any).update.bind(el);
    (el as any).update = (changed: unknown) => {
      renders++;
      update(changed);
    };
    await Promise.all(Array.from({ length: 100 }, (_, i) => post(room, `b${i}`)));
    await waitUntil(() => texts(el).length === 100, 'the burst never all arrived', { timeout: 8000 });
    expect(renders).to.be.below(50);
  });

  it('shows a new message without rendering again the messages already shown', async function () {
    this.timeout(20_000);
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="reader"></live-chat>`);
    await online(el);
    await burst(room, 200);
    await waitUntil(() => texts(el).length === 200, 'not all arrived', { timeout: 10_000 });
    await el.updateComplete;
    // Rendering a message's row reads its text; nothing else does. Count the
    // reads of the 200 held (the same objects, so nothing else changes).
    let reads = 0;
    for (const message of (el as any).chat.messages) {
      const text = message.text;
      Object.defineProperty(message, 'text', { get: () => (reads++, text), enumerable: true, configurable: true });
    }
    await post(room, 'one more');
    await waitUntil(() => texts(el).at(-1) === 'one more', 'the new message was not shown', { timeout: 5000 });
    await el.updateComplete;
    expect(reads, 'rows rendered again for one new message').to.equal(0);
  });

  it('still moves relative times on as the clock does', async () => {
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="reader"></live-chat>`);
    await online(el);
    await post(room, 'hello');
    await waitUntil(() => texts(el).length === 1, 'the message never arrived');
    const time = () => part(el, 'time')!.textContent!.trim();
    expect(time()).to.equal('now');
    (el as any).now = Date.now() + 5 * 60_000;
    await el.updateComplete;
    expect(time()).to.equal('5 minutes ago');
  });

  it('drops the oldest messages without moving the ones in view (no layout shift)', async function () {
    this.timeout(30_000);
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="reader" style="display: block; height: 480px"></live-chat>`);
    await online(el);
    await burst(room, 450);
    await waitUntil(() => (el as any).chat.lastSeq === 450, 'not all arrived', { timeout: 20_000 });
    await el.updateComplete;
    let shifted = 0;
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e: any) => (shifted += e.value)));
    observer.observe({ type: 'layout-shift' });
    // One at a time, as a busy room sends them, past the 500 kept.
    for (let i = 451; i <= 560; i++) await post(room, `m${i}`);
    await waitUntil(() => (el as any).chat.lastSeq === 560, 'not all arrived', { timeout: 20_000 });
    await el.updateComplete;
    await new Promise(requestAnimationFrame);
    observer.disconnect();
    expect(el.shadowRoot!.querySelectorAll('article').length).to.be.at.most(500);
    expect(shifted).to.equal(0);
  });

  it('keeps at most 500 messages while the reader is at the bottom, and fetches older ones back on scrolling up', async function () {
    this.timeout(30_000);
    const room = uniqueRoom();
    const el = await fixture<LiveChat>(html`<live-chat room=${room} name="reader"></live-chat>`);
    await online(el);
    await burst(room, 520);
    await waitUntil(() => (el as any).chat.lastSeq === 520, 'not all arrived', { timeout: 20_000 });
    await el.updateComplete;
    const articles = () => el.shadowRoot!.querySelectorAll('article').length;
    expect(articles()).to.be.at.most(500);
    const list = part(el, 'messages')!;
    list.scrollTop = 0;
    list.dispatchEvent(new Event('scroll'));
    await waitUntil(() => articles() > 500, 'older messages never came back', { timeout: 5000 });
  });
});
