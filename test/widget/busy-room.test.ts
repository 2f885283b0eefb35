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
