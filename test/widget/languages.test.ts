import { expect, fixture, html } from '@open-wc/testing';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, part, relayInfo, uniqueRoom } from './helpers.js';

/** The page's requests for the relay's French script so far. */
const frenchRequests = async () => {
  const { url } = await relayInfo();
  return performance.getEntriesByType('resource').filter((entry) => entry.name === `${url}/live-chat-fr.js`);
};

describe('<live-chat> languages, loaded on demand', () => {
  before(loadWidget);

  it('an English page never downloads another language', async () => {
    const el = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} name="a"></live-chat>`);
    await online(el);
    expect(part(el, 'send')!.textContent!.trim()).to.equal('Send');
    expect(await frenchRequests()).to.have.length(0);
  });

  it('speaks English where the relay cannot serve the language', async () => {
    const el = await fixture<LiveChat>(html`<live-chat lang="fr" server="http://127.0.0.1:9" room=${uniqueRoom()}></live-chat>`);
    expect(part(el, 'status')!.textContent!.trim()).to.equal('Connecting…');
  });

  it('a French page loads French once, and its first render is already French', async () => {
    const shown: string[] = [];
    const host = document.createElement('div');
    host.lang = 'fr';
    const first = document.createElement('live-chat') as LiveChat;
    first.room = uniqueRoom();
    first.name = 'a';
    // Every text the element ever shows in its status, from the first render on.
    const watch = () => {
      const status = part(first, 'status');
      if (status) shown.push(status.textContent!.trim());
    };
    const observer = new MutationObserver(watch);
    host.append(first);
    document.body.append(host);
    observer.observe(first.shadowRoot!, { subtree: true, childList: true, characterData: true });
    const second = await fixture<LiveChat>(html`<live-chat lang="fr" room=${uniqueRoom()} name="b"></live-chat>`);
    await online(first);
    await online(second);
    observer.disconnect();
    host.remove();
    expect(shown).to.not.be.empty;
    expect(shown.filter((text) => !/ici|Connexion/.test(text)), 'English shown before French').to.deep.equal([]);
    expect(part(second, 'send')!.textContent!.trim()).to.equal('Envoyer');
    expect(await frenchRequests()).to.have.length(1);
  });
});
