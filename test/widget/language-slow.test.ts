import { expect, waitUntil } from '@open-wc/testing';
import type { LiveChat } from '../../widget/live-chat.js';
import { freeze, loadWidget, part, relayInfo, uniqueRoom } from './helpers.js';

/**
 * A page of its own (no language loaded yet): a relay that hangs on the
 * language script delays the widget's first render by two seconds at most.
 */
describe('<live-chat> with a language that does not come', () => {
  before(loadWidget);

  it('speaks English when the relay is slow to send the language, rather than showing nothing', async function () {
    this.timeout(15_000);
    const { frozenUrl } = await relayInfo();
    await freeze(true);
    try {
      const el = Object.assign(document.createElement('live-chat'), { room: uniqueRoom(), server: frozenUrl }) as LiveChat;
      el.setAttribute('lang', 'fr');
      const start = Date.now();
      document.body.append(el);
      await waitUntil(() => part(el, 'status'), 'nothing shown while the language hangs', { timeout: 5000 });
      expect(Date.now() - start).to.be.below(3500);
      expect(part(el, 'status')!.textContent!.trim()).to.equal('Connecting…');
      el.remove();
    } finally {
      await freeze(false);
    }
  });
});
