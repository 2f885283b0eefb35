import { expect, waitUntil } from '@open-wc/testing';
import { createElement, createRef } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { LiveChat, LiveChatElement, type LiveChatMessageEvent } from '../../widget/react.js';
import { online, post, relayInfo, shows, uniqueRoom } from './helpers.js';

/**
 * The widget package's React wrapper (`live-chat-widget/react`, made with
 * @lit/react), from its source, against the test relay: props become the
 * element's properties, `on…` props listen to its events, and the ref is the
 * element. This page imports the element as ES modules (no /live-chat.js).
 */
describe('live-chat-widget/react', () => {
  it('sets props, listens with onConnect and onMessage, and hands the element to a ref', async () => {
    const { url } = await relayInfo();
    const room = uniqueRoom();
    const host = document.createElement('div');
    document.body.append(host);
    const root = createRoot(host);
    const ref = createRef<LiveChatElement>();
    const received: string[] = [];
    let connected = 0;
    flushSync(() =>
      root.render(
        createElement(LiveChat, {
          ref,
          server: url,
          room,
          name: 'Rosa',
          theme: 'dark',
          mode: 'inline',
          onConnect: () => connected++,
          onMessage: (event: LiveChatMessageEvent) => received.push(`${event.message.author.name}: ${event.message.text}`),
        }),
      ),
    );
    try {
      const chat = ref.current!;
      expect(chat).to.be.instanceOf(LiveChatElement);
      expect([chat.room, chat.name, chat.theme, chat.server]).to.deep.equal([room, 'Rosa', 'dark', url]);
      await online(chat);
      expect(connected).to.equal(1);
      chat.send('from the ref');
      await post(room, 'from a bot');
      await shows(chat, 'from a bot');
      await waitUntil(() => received.includes('Bot: from a bot') && received.includes('Rosa: from the ref'), received.join(' | '));
    } finally {
      root.unmount();
      host.remove();
    }
  });
});
