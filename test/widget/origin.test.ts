import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { LiveChatErrorEvent } from '../../widget/events.js';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, post, relayInfo, shows, uniqueRoom } from './helpers.js';

/**
 * Cross-site WebSocket hijacking, from a real browser: this test page's origin
 * is not in the "closed" relay's ALLOWED_ORIGINS, and a browser will not let a
 * page forge its Origin header. Neither the widget, nor a hand-made WebSocket,
 * nor long-polling gets the page into a room; a widget on an allowing relay,
 * on the same page, chats all along.
 */
describe('a page of an origin the relay does not allow', () => {
  before(loadWidget);

  it('the widget is refused with origin_not_allowed and says so; a widget on another relay keeps chatting', async () => {
    const { closedUrl } = await relayInfo();
    const room = uniqueRoom();
    const control = await fixture<LiveChat>(html`<live-chat room=${room} name="control"></live-chat>`);
    await online(control);
    const el = document.createElement('live-chat') as LiveChat;
    el.setAttribute('server', closedUrl);
    el.setAttribute('room', room);
    el.setAttribute('name', 'hijacker');
    const refused = oneEvent(el, 'live-chat-error') as Promise<LiveChatErrorEvent>;
    document.body.append(el);
    const event = await refused;
    expect(event.error.code).to.equal('origin_not_allowed');
    await waitUntil(() => el.shadowRoot!.textContent!.includes('This site may not use this chat'), 'the refusal was not shown');
    await post(room, 'still here');
    await shows(control, 'still here');
    el.remove();
  });

  it('a hand-made WebSocket gets origin_not_allowed and is closed before any event', async () => {
    const { closedUrl } = await relayInfo();
    const ws = new WebSocket(`${closedUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const frames: string[] = [];
    const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener('close', resolve));
    ws.addEventListener('message', (e) => {
      frames.push(String(e.data));
      if (String(e.data).startsWith('0{')) ws.send('40{"name":"hijacker"}');
      // Try an event anyway: nothing may answer it.
      if (String(e.data).startsWith('44') && ws.readyState === WebSocket.OPEN) ws.send('421["join",{"room":"lobby"}]');
    });
    await closed;
    expect(frames[0]).to.match(/^0\{"sid":/);
    expect(frames.slice(1)).to.deep.equal(['44{"message":"origin_not_allowed"}']);
  });

  it('long-polling: the page cannot read the relay\'s answer (no CORS grant)', async () => {
    const { closedUrl } = await relayInfo();
    let error: unknown;
    try {
      await fetch(`${closedUrl}/socket.io/?EIO=4&transport=polling`);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
  });
});
