// Opens the showcase page of a running relay in headless Chromium, has alice
// and bob talk in its live chat (two tabs), and saves the docs' screenshots:
// the first screen on a desktop (light), the same in the dark theme in
// French, the article's launcher open, the first screen of a phone, and a
// moderator's message menu; and the moderation console: its overview, and
// that room on a desktop and on a phone.
// Usage: JWT_SECRET=… ADMIN_API_KEY=… node scripts/screenshot.mjs [url] [folder]
// (JWT_SECRET: the running relay's, to sign the moderator's token; without
// it moderator.png is skipped. ADMIN_API_KEY: the relay's, to sign in to the
// console; without it the console's screenshots are skipped.)
import { SignJWT } from 'jose';
import puppeteer from 'puppeteer-core';
import { chromiumArgs, chromiumPath } from './chromium.mjs';

const url = process.argv[2] ?? 'http://127.0.0.1:3000/';
const out = process.argv[3] ?? 'docs';
const desktop = { width: 1280, height: 800 };

const shows = (el, line) =>
  el.evaluate(
    (e, t) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () =>
          [...e.shadowRoot.querySelectorAll('[part~=text]')].some((p) => p.textContent === t)
            ? resolve()
            : Date.now() - started > 5000
              ? reject(new Error(`never saw: ${t} (${e.shadowRoot.textContent.replace(/\s+/g, " ").slice(-400)})`))
              : setTimeout(check, 50);
        check();
      }),
    line,
  );
const settle = () => new Promise((r) => setTimeout(r, 300));

const browser = await puppeteer.launch({ executablePath: chromiumPath(), args: chromiumArgs, headless: true });
try {
  const open = async (viewport) => {
    const page = await browser.newPage();
    page.on('dialog', async (dialog) => {
      console.error(`a dialog opened: ${dialog.message()} (XSS!)`);
      process.exitCode = 1;
      await dialog.dismiss();
    });
    await page.setViewport(viewport);
    // The screenshots show the light page unless a switch says otherwise.
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    return page;
  };
  // Two visitors: alice here, bob in another tab.
  const at = (name, hash = '') => Object.assign(new URL(url), { search: `?name=${name}`, hash }).href;
  const visit = (target, name, hash) => target.goto(at(name, hash), { waitUntil: 'networkidle0' });
  const page = await open(desktop);
  await visit(page, 'alice');
  const other = await open(desktop);
  await visit(other, 'bob');
  const alice = await page.$('#try live-chat');
  const bob = await other.$('#try live-chat');
  // Each line is typed, and then awaited, in the tab in front: a background
  // tab does not paint, and the widget waits for a frame to settle its view.
  const say = async ([tab, from], [toTab, to], line) => {
    await tab.bringToFront();
    const input = await from.waitForSelector('pierce/textarea');
    await input.type(line);
    await input.press('Enter');
    await toTab.bringToFront();
    await shows(to, line);
  };
  const a = [page, alice];
  const b = [other, bob];
  await say(a, b, 'Hi bob! <img src=x onerror=alert(1)> shows as text.');
  await say(b, a, 'Hello alice! Slides: https://example.com/keynote');
  await say(a, b, 'It took one script tag to add this chat.');
  await say(b, a, 'Reload the page: we are still here.');
  await page.bringToFront();
  // Typing scrolled the field into view; the screenshots show the page from its top.
  await page.evaluate(() => window.scrollTo(0, 0));
  await settle();
  await page.screenshot({ path: `${out}/demo.png` });

  await page.select('#theme', 'dark');
  await page.select('#lang', 'fr');
  await settle();
  await page.screenshot({ path: `${out}/dark-fr.png` });
  await page.select('#theme', 'light');
  await page.select('#lang', 'en');

  // The article lower down: the same room behind the launcher in the corner,
  // which shows while the article is on screen.
  await page.evaluate(() => document.getElementById('launcher').scrollIntoView());
  await page.waitForSelector('.launcher-slot:not([hidden])');
  const launcher = await page.$('#page-article live-chat[mode=launcher]');
  await launcher.evaluate((el) => el.open());
  await shows(launcher, 'Reload the page: we are still here.');
  await settle();
  await page.screenshot({ path: `${out}/launcher.png` });
  await launcher.evaluate((el) => el.close());

  // A phone's first screen: the headline and the whole live chat.
  const phone = await open({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  await visit(phone, 'carol');
  await shows(await phone.$('#try live-chat'), 'Reload the page: we are still here.');
  await settle();
  await phone.screenshot({ path: `${out}/phone.png` });

  // A moderator (a token signed with the relay's JWT_SECRET) opens the menu of bob's message.
  if (process.env.JWT_SECRET) {
    const token = await new SignJWT({ name: 'Mia', role: 'moderator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u-mia')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(process.env.JWT_SECRET));
    const mod = await open(desktop);
    await mod.goto(url, { waitUntil: 'networkidle0' });
    // Both of the page's lobby widgets (the chat at the top, the article's launcher) sign in as Mia.
    await mod.$$eval('live-chat[room=lobby]', (els, t) => els.forEach((el) => el.setAttribute('token', t)), token);
    const mia = await mod.$('#try live-chat');
    await shows(mia, 'Hello alice! Slides: https://example.com/keynote');
    await mia.evaluate(
      (el, t) =>
        new Promise((resolve, reject) => {
          const started = Date.now();
          const check = () => {
            // The moderator's items come from /live-chat-moderator.js, loaded once a moderator signs in.
            const message = [...el.shadowRoot.querySelectorAll('[part~=message]')].find((m) => m.querySelector('[part~=text]')?.textContent === t);
            const menu = message?.querySelector('[part~=message-menu]');
            if (menu && menu.querySelectorAll('button').length > 4) return resolve();
            if (!menu) message?.querySelector('[part~=more]')?.click();
            if (Date.now() - started > 5000) return reject(new Error('the moderator menu never opened'));
            setTimeout(check, 100);
          };
          check();
        }),
      'Hello alice! Slides: https://example.com/keynote',
    );
    await settle();
    // The widget alone: the menu is the subject.
    await mia.screenshot({ path: `${out}/moderator.png` });
  } else {
    console.log('JWT_SECRET is not set: no moderator.png');
  }
  // The moderation console (ADMIN_API_KEY: the running relay's) on the lobby
  // where alice and bob talked, live: on a desktop, then on a phone.
  if (process.env.ADMIN_API_KEY) {
    const lobby = async (tab) => {
      const consoleShows = (text) =>
        tab.waitForFunction((t) => document.querySelector('live-chat-console').shadowRoot.textContent.includes(t), { timeout: 5000 }, text);
      await consoleShows('lobby');
      await tab.evaluate(() =>
        [...document.querySelector('live-chat-console').shadowRoot.querySelectorAll('button.room')].find((b) => b.textContent.includes('lobby')).click(),
      );
      await consoleShows('· live');
      await consoleShows('Reload the page: we are still here.');
      await settle();
    };
    const admin = await open(desktop);
    await admin.goto(new URL('/console', url).href, { waitUntil: 'networkidle0' });
    await admin.type('pierce/#key', process.env.ADMIN_API_KEY);
    await admin.type('pierce/#name', 'Rosa');
    await admin.click('pierce/button[type=submit]');
    // The overview, the console's first view: its charts drawn.
    await admin.waitForSelector('pierce/.chart canvas');
    await settle();
    await admin.screenshot({ path: `${out}/console-overview.png` });
    await lobby(admin);
    await admin.screenshot({ path: `${out}/console.png` });
    // A phone's tab of the same browser: the session cookie signs it in.
    const adminPhone = await open({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    await adminPhone.goto(new URL('/console', url).href, { waitUntil: 'networkidle0' });
    await lobby(adminPhone);
    await adminPhone.screenshot({ path: `${out}/console-phone.png` });
  } else {
    console.log('ADMIN_API_KEY is not set: no console.png');
  }
  console.log(`alice and bob talked; screenshots saved in ${out}/`);
} finally {
  await browser.close();
}
