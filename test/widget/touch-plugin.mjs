/**
 * A web-test-runner command that makes the page a touch screen, as a phone
 * is: `(pointer: coarse)` and `(hover: none)` match, as in DevTools' device
 * mode (Chromium's Emulation.setTouchEmulationEnabled, through the page's
 * DevTools session). The test commands have setViewport and emulateMedia,
 * but no pointer.
 */
export function touchPlugin() {
  // One DevTools session a page, kept: Chromium drops a session's emulation when it detaches.
  const sessions = new WeakMap();
  return {
    name: 'live-chat-touch',
    async executeCommand({ command, payload, session }) {
      if (command !== 'emulate-touch') return undefined;
      if (session.browser.type !== 'puppeteer') throw new Error(`emulate-touch needs Chromium through puppeteer, not ${session.browser.type}`);
      const page = session.browser.getPage(session.id);
      if (!sessions.has(page)) sessions.set(page, await page.createCDPSession());
      await sessions.get(page).send('Emulation.setTouchEmulationEnabled', { enabled: !!payload?.enabled, maxTouchPoints: 5 });
      return true;
    },
  };
}
