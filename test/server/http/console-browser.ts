import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { TestContext } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { Relay } from '../helpers.js';

/**
 * What the console's browser tests share (console-page.test.ts,
 * console-views.test.ts): Chromium with the console open on a real relay,
 * waiting for text in its shadow root, pressing its buttons, signing in,
 * and axe-core at a phone's and a desktop's width, light and dark.
 */

export const key = 'admin-key-for-tests-0123456789';
// The tests' Chromium (Debian's, or CHROME_PATH), as the screenshots use it.
const { chromiumArgs, chromiumPath } = (await import('../../../scripts/chromium.mjs' as string)) as {
  chromiumArgs: string[];
  chromiumPath(): string | undefined;
};
export const skip = chromiumPath() ? false : 'no Chromium';

/** A browser for the test, closed after it. */
export async function browser(t: TestContext): Promise<Browser> {
  const b = await puppeteer.launch({ executablePath: chromiumPath(), args: chromiumArgs, headless: true });
  t.after(() => b.close());
  return b;
}

/** A tab on the console, with every CSP violation, console error and page error it meets in `problems`. */
export async function consolePage(b: Browser, relay: Relay, width = 390) {
  const page = await b.newPage();
  const problems: string[] = [];
  // A 401 is the console asking whether it is signed in; a 429 the sign-in limit; the favicon is not served.
  page.on('console', (message) => {
    if (message.type() === 'error' && !/\b(401|429)\b/.test(message.text()) && !/favicon/.test(message.location().url ?? '')) {
      problems.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.setViewport({ width, height: 800 });
  await page.goto(`${relay.url}/console`, { waitUntil: 'networkidle0' });
  return { page, problems };
}

/** Waits until the console's shadow root shows `text`. */
export async function shows(page: Page, text: string) {
  await page.waitForFunction(
    (t) => document.querySelector('live-chat-console')?.shadowRoot?.textContent?.includes(t),
    { timeout: 5000 },
    text,
  );
}

/** Waits until the console's shadow root no longer shows `text`. */
export async function hides(page: Page, text: string) {
  await page.waitForFunction(
    (t) => !document.querySelector('live-chat-console')?.shadowRoot?.textContent?.includes(t),
    { timeout: 5000 },
    text,
  );
}

/** Clicks the console's button whose text includes `label`, within `scope` (a selector in its shadow root). */
export async function press(page: Page, label: string, scope = '') {
  const found = await page.evaluate(
    (l, s) => {
      const root = document.querySelector('live-chat-console')!.shadowRoot!;
      const button = [...root.querySelectorAll<HTMLButtonElement>(`${s} button`)].find((b) => b.textContent!.includes(l));
      button?.click();
      return !!button;
    },
    label,
    scope,
  );
  assert.ok(found, `no button "${label}" in ${scope || 'the console'}`);
}

/** Submits the sign-in form; resolves with the status of its answer. */
export async function submit(page: Page): Promise<number> {
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/console/session') && r.request().method() === 'POST'),
    page.click('pierce/button[type=submit]'),
  ]);
  return answer.status();
}

/** Signs in through the form. */
export async function signIn(page: Page, name = 'Rosa') {
  await page.type('pierce/#key', key);
  await page.type('pierce/#name', name);
  await page.click('pierce/button[type=submit]');
  await shows(page, `Signed in as ${name}`);
}

/** Opens `room` from the room list (the Rooms tab reloads it at once) and waits until it is live. */
export async function openRoom(page: Page, room: string) {
  await press(page, 'Rooms', 'nav');
  await shows(page, room);
  await press(page, room, '.rooms');
  await shows(page, '· live');
}

/** The admin API with the key, as a script would call it. */
export async function admin(relay: Relay, path: string): Promise<any> {
  const response = await fetch(`${relay.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(response.status, 200, path);
  return response.json();
}

/**
 * What axe-core finds on the page as it is now, at each width and in each
 * colour scheme: its violations, and what it could not decide ("incomplete",
 * to be checked by hand, so not let through either), with the touch-target
 * rule (WCAG 2.2, off by default) on for the phone; and, at 390 px, whether
 * the page scrolls sideways. axe is evaluated through the DevTools protocol
 * (page.evaluate with its source), which the page's CSP does not govern, so
 * the page keeps its real CSP (no setBypassCSP): what axe sees is what a
 * visitor gets. axe walks the console's shadow root itself. With `within`
 * (a selector in that root), only that part: an open menu covers rows,
 * whose contrast axe then cannot decide; the page was checked without it.
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export async function axe(page: Page, view: string, within?: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const found: string[] = [];
  for (const width of [390, 1280]) {
    for (const scheme of ['light', 'dark']) {
      await page.setViewport({ width, height: 800 });
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      const seen = await page.evaluate(async (inside) => {
        const { violations, incomplete } = await (window as any).axe.run(inside ? { include: [['live-chat-console', inside]] } : document, {
          resultTypes: ['violations', 'incomplete'],
          rules: { 'target-size': { enabled: true } },
        });
        const sideways = document.documentElement.scrollWidth > document.documentElement.clientWidth;
        return [
          ...[...violations, ...incomplete].map(
            (v: any) => `${v.id} (${v.impact}): ${v.nodes.map((n: any) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join(' | ')}`,
          ),
          ...(sideways ? [`scrolls sideways: ${document.documentElement.scrollWidth} px wide`] : []),
        ];
      }, within);
      found.push(...seen.map((v: string) => `${view}, ${width} px, ${scheme}: ${v}`));
    }
  }
  return found;
}


/** Opens the ⋯ menu of message `seq` and chooses the item whose text starts with `item` ("Pin", "Delete", "Ban"). */
export async function messageAction(page: Page, seq: number, item: string) {
  await page.click(`pierce/li[data-seq="${seq}"] button.more`);
  await page.waitForSelector('pierce/[role=menu]');
  const found = await page.evaluate((label) => {
    const root = document.querySelector('live-chat-console')!.shadowRoot!;
    const button = [...root.querySelectorAll<HTMLButtonElement>('[role=menuitem]')].find((b) => b.textContent!.trim().startsWith(label));
    button?.click();
    return !!button;
  }, item);
  assert.ok(found, `no "${item}" in the menu of message ${seq}`);
}

/** Presses the button of the open dialog whose text includes `label`. */
export async function inDialog(page: Page, label: string) {
  await page.waitForSelector('pierce/dialog[open]');
  await press(page, label, 'dialog[open]');
}

/** The text of the console's element `selector` (in its shadow root) as it reads, spaces collapsed. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(`pierce/${selector}`, (e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim());
}
