import assert from 'node:assert/strict';
import { test } from 'node:test';
import puppeteer, { type Page } from 'puppeteer-core';
import { joined, msgId, next, request, startRelay } from './helpers.js';

/**
 * The console page end to end in headless Chromium, served by a real relay
 * under its own strict CSP (same origin, as in production): sign-in refused
 * then accepted, a room live, delete, settings a member's widget follows,
 * sign-out. No CSP violation, no page error.
 */

const key = 'admin-key-for-tests-0123456789';
// The tests' Chromium (Debian's, or CHROME_PATH), as the screenshots use it.
const { chromiumArgs, chromiumPath } = (await import('../../scripts/chromium.mjs' as string)) as {
  chromiumArgs: string[];
  chromiumPath(): string | undefined;
};

/** Waits until the console's shadow root shows `text`. */
async function shows(page: Page, text: string) {
  await page.waitForFunction(
    (t) => document.querySelector('live-chat-console')?.shadowRoot?.textContent?.includes(t),
    { timeout: 5000 },
    text,
  );
}

test('the console: sign in, see a room live, delete, change settings, sign out', { skip: chromiumPath() ? false : 'no Chromium' }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const browser = await puppeteer.launch({ executablePath: chromiumPath(), args: chromiumArgs, headless: true });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const problems: string[] = [];
  // A 401 is the console asking whether it is signed in; the favicon is not served.
  page.on('console', (message) => {
    if (message.type() === 'error' && !/401/.test(message.text()) && !/favicon/.test(message.location().url ?? '')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.setViewport({ width: 390, height: 800 });
  await page.goto(`${relay.url}/console`, { waitUntil: 'networkidle0' });

  await page.type('pierce/#key', 'not-the-key-at-all');
  await page.click('pierce/button[type=submit]');
  await shows(page, 'Wrong key.');
  await (await page.$('pierce/#key'))!.click({ count: 3 });
  await page.type('pierce/#key', key);
  await page.type('pierce/#name', 'Rosa');
  await page.click('pierce/button[type=submit]');
  await shows(page, 'Signed in as Rosa');
  const [cookie] = await page.cookies();
  assert.deepEqual([cookie!.httpOnly, cookie!.sameSite], [true, 'Strict']);
  assert.equal(await page.evaluate(() => document.cookie), '', 'HttpOnly: the page never reads it');

  const ann = await joined(t, relay.url, 'lobby', { name: 'ann' });
  await request(ann.socket, 'send', { room: 'lobby', text: 'first words', clientMsgId: msgId() });
  // The list refreshes every 10 s; the Rooms tab reloads it at once.
  await page.evaluate(() => (document.querySelector('live-chat-console') as any).shadowRoot.querySelector('nav button').click());
  await shows(page, 'lobby');
  await page.click('pierce/button.room');
  await shows(page, 'first words');
  await shows(page, '· live');
  // Live: a message sent now appears without a reload.
  const second = await request(ann.socket, 'send', { room: 'lobby', text: 'second, live', clientMsgId: msgId() });
  await shows(page, 'second, live');

  const deleted = next(ann.socket, 'deleted');
  await page.click(`pierce/li[data-seq="${second.message.seq}"] button.danger`);
  assert.deepEqual(await deleted, { room: 'lobby', seq: second.message.seq });
  await shows(page, `Message ${second.message.seq} deleted.`);

  const told = next(ann.socket, 'room');
  await page.type('pierce/#topic', 'Be kind');
  await page.click('pierce/form[aria-labelledby=settings-title] button[type=submit]');
  assert.equal((await told).settings.topic, 'Be kind');
  await shows(page, 'Settings saved.');
  await shows(page, 'Rosa: configure');

  await page.evaluate(() => {
    const root = (document.querySelector('live-chat-console') as any).shadowRoot;
    [...root.querySelectorAll('header button')].find((b: any) => b.textContent.includes('Sign out')).click();
  });
  await shows(page, 'Admin key');
  assert.equal((await page.evaluate(() => fetch('/api/rooms').then((r) => r.status))), 401);
  assert.deepEqual(problems, []);
});
