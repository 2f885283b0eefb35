import { expect, waitUntil } from '@open-wc/testing';
import { post, token, uniqueRoom } from './helpers.js';

/**
 * The widget on a host page with a strict Content-Security-Policy (no
 * 'unsafe-inline', no 'unsafe-eval', no styles allowed at all) and Trusted
 * Types enforced, served with that header by the test runner (relay-plugin.mjs).
 */
describe('<live-chat> on a strict-CSP page with Trusted Types', () => {
  it('loads, connects, shows messages, and causes no violation', async () => {
    const room = uniqueRoom();
    await post(room, 'hello CSP <img src=x onerror=alert(1)>');
    const frame = document.createElement('iframe');
    frame.src = `/__relay/csp.html?room=${room}`;
    frame.style.cssText = 'width: 600px; height: 500px';
    const violations: string[] = [];
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    const page = frame.contentWindow!;
    page.document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    expect(page.trustedTypes).to.not.equal(undefined);
    await waitUntil(() => page.customElements.get('live-chat'), 'the widget never defined itself', { timeout: 5000 });
    const el = page.document.querySelector('live-chat')!;
    const root = () => el.shadowRoot!;
    await waitUntil(() => root()?.querySelector('[part~=status]')?.classList.contains('online'), 'never online', { timeout: 5000 });
    await waitUntil(() => [...root().querySelectorAll('[part~=text]')].some((p) => p.textContent === 'hello CSP <img src=x onerror=alert(1)>'));
    // Its styles apply (adopted stylesheets are not inline styles).
    expect(page.getComputedStyle(root().querySelector('[part~=panel]')!).display).to.equal('flex');
    (el as any).send('sent under CSP');
    await waitUntil(() => [...root().querySelectorAll('[part~=text]')].some((p) => p.textContent === 'sent under CSP'));
    expect(violations).to.deep.equal([]);
    frame.remove();
  });

  it('loads the moderator script from the relay for a moderator, with no violation', async () => {
    const frame = document.createElement('iframe');
    frame.src = `/__relay/csp.html?room=${uniqueRoom()}&token=${await token('mod-csp', 'Cyrano', 'moderator')}`;
    const violations: string[] = [];
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    const page = frame.contentWindow!;
    page.document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    await waitUntil(() => page.customElements.get('live-chat'), 'the widget never defined itself', { timeout: 5000 });
    const el = page.document.querySelector('live-chat')!;
    await waitUntil(() => el.shadowRoot?.querySelector('.mod-settings'), 'the moderator tools never loaded', { timeout: 5000 });
    expect(page.document.querySelectorAll('script[src$="/live-chat-moderator.js"]').length).to.equal(1);
    expect(violations).to.deep.equal([]);
    frame.remove();
  });
});
