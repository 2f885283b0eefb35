import { expect, waitUntil } from '@open-wc/testing';
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { createApp, type App } from 'vue';
import type { LiveChat } from '../../widget/live-chat.js';
import { SupportChat } from './frameworks/SupportChat.js';
import SupportChatVue from './frameworks/SupportChat.vue';
import { loadWidget, online, shows, uniqueRoom } from './helpers.js';

/**
 * The snippets of docs/frameworks.md, run as written (the files in
 * frameworks/ are quoted there verbatim), against the real relay: attributes
 * set through the framework, a live-chat-message event through the
 * framework's own listener syntax, and send() through a ref.
 */
describe('<live-chat> in React, Vue and plain HTML', () => {
  let relayUrl: string;
  let host: HTMLElement;
  before(async () => {
    relayUrl = await loadWidget();
  });
  beforeEach(() => {
    host = document.createElement('div');
    document.body.append(host);
  });
  afterEach(() => host.remove());

  /** A plain widget in the room, to see that the message really went through the relay. */
  async function witness(room: string): Promise<LiveChat> {
    const el = document.createElement('live-chat') as LiveChat;
    el.setAttribute('room', room);
    el.setAttribute('name', 'witness');
    host.append(el);
    await online(el);
    return el;
  }

  /** Clicks "Say hello" and checks the message went to the relay and came back through the event. */
  async function sayHello(room: string, user: string) {
    const chat = host.querySelector<LiveChat>('live-chat:not([name=witness])')!;
    expect(chat.room).to.equal(room);
    expect(chat.name).to.equal(user);
    expect(chat.theme).to.equal('auto');
    await online(chat);
    const other = await witness(room);
    const last = [...host.querySelectorAll('p')].find((p) => p.textContent!.startsWith('Last message:'))!;
    expect(last.textContent).to.equal('Last message: ');

    [...host.querySelectorAll('button')].find((b) => b.textContent === 'Say hello')!.click();
    await shows(other, 'Hello!');
    await waitUntil(() => last.textContent === `Last message: ${user}: Hello!`, `the page showed "${last.textContent}"`);
  }

  it('React 19: props, an onlive-chat-message listener and send() through a ref', async () => {
    const room = uniqueRoom();
    const root: Root = createRoot(host);
    flushSync(() => root.render(createElement(SupportChat, { room, user: 'alice' })));
    try {
      await sayHello(room, 'alice');
    } finally {
      root.unmount();
    }
  });

  it('Vue 3: a single-file component with bound attributes, @live-chat-message and send() through a template ref', async () => {
    const room = uniqueRoom();
    const app: App = createApp(SupportChatVue, { room, user: 'bob' });
    app.mount(host);
    try {
      await sayHello(room, 'bob');
    } finally {
      app.unmount();
    }
  });

  it('plain HTML: attributes, addEventListener and send()', async () => {
    const room = uniqueRoom();
    const snippet = await (await fetch('/test/widget/frameworks/support-chat.html')).text();
    const page = new DOMParser().parseFromString(snippet.replace('room="support"', `room="${room}"`), 'text/html');
    for (const node of [...page.body.childNodes, ...page.head.childNodes]) {
      if (node instanceof HTMLScriptElement && node.src) continue; // the widget is already loaded, from the test relay
      if (node instanceof HTMLScriptElement) {
        // Scripts parsed elsewhere do not run: run this one as the page would.
        const script = document.createElement('script');
        script.textContent = `{${node.textContent}}`;
        host.append(script);
      } else {
        host.append(document.importNode(node, true));
      }
    }
    expect(new URL(relayUrl).origin).not.to.equal(location.origin);
    await sayHello(room, 'Camille');
  });

  it('docs/frameworks.md shows exactly these snippets', async () => {
    const page = await (await fetch('/docs/frameworks.md')).text();
    for (const file of ['SupportChat.tsx', 'SupportChat.vue', 'support-chat.html', 'live-chat.d.ts']) {
      const text = (await (await fetch(`/__raw?file=${file}`)).text()).trim();
      expect(page.includes(text), `docs/frameworks.md quotes frameworks/${file} as it is`).to.equal(true);
    }
  });
});
