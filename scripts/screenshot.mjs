// Opens the showcase page of a running relay in headless Chromium, has alice
// and bob talk on its live-event page (two tabs), and saves the docs'
// screenshots: the live event (inline, light), the same in the dark theme in
// French, the article page with its launcher open, and that on a phone.
// Usage: node scripts/screenshot.mjs [url] [folder]
import puppeteer from 'puppeteer-core';
import { chromiumArgs, chromiumPath } from './chromium.mjs';

const url = process.argv[2] ?? 'http://127.0.0.1:3000/';
const out = process.argv[3] ?? 'docs';

const shows = (el, line) =>
  el.evaluate(
    (e, t) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () =>
          [...e.shadowRoot.querySelectorAll('[part~=text]')].some((p) => p.textContent === t)
            ? resolve()
            : Date.now() - started > 5000
              ? reject(new Error(`never saw: ${t}`))
              : setTimeout(check, 50);
        check();
      }),
    line,
  );

const browser = await puppeteer.launch({ executablePath: chromiumPath(), args: chromiumArgs, headless: true });
try {
  const page = await browser.newPage();
  page.on('dialog', async (dialog) => {
    console.error(`a dialog opened: ${dialog.message()} (XSS!)`);
    process.exitCode = 1;
    await dialog.dismiss();
  });
  await page.setViewport({ width: 1200, height: 760 });
  // Two visitors of the live-event page: alice here, bob in another tab.
  const at = (name, hash) => Object.assign(new URL(url), { search: `?name=${name}`, hash }).href;
  const visit = (target, name, hash) => target.goto(at(name, hash), { waitUntil: 'networkidle0' });
  await visit(page, 'alice', 'event');
  const other = await browser.newPage();
  await other.setViewport({ width: 1200, height: 760 });
  await visit(other, 'bob', 'event');
  const alice = await page.$('#page-event live-chat');
  const bob = await other.$('#page-event live-chat');
  const say = async (from, to, line) => {
    const input = await from.waitForSelector('pierce/textarea');
    await input.type(line);
    await input.press('Enter');
    await shows(to, line);
  };
  await say(alice, bob, 'Hi bob! <img src=x onerror=alert(1)> shows as text.');
  await say(bob, alice, 'Hello alice! Slides: https://example.com/keynote');
  await say(bob, alice, 'Reload the page: we are still here.');
  await page.bringToFront();
  // Typing scrolled the field into view; the screenshots show the page from its top.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${out}/demo.png` });

  await page.select('#theme', 'dark');
  await page.select('#lang', 'fr');
  await new Promise((r) => setTimeout(r, 200));
  await page.screenshot({ path: `${out}/dark-fr.png` });
  await page.select('#theme', 'light');
  await page.select('#lang', 'en');

  // The article page: the same room behind the launcher in the corner.
  await visit(page, 'alice', 'article');
  const launcher = await page.$('#page-article live-chat[mode=launcher]');
  await launcher.evaluate((el) => el.open());
  await shows(launcher, 'Reload the page: we are still here.');
  await page.screenshot({ path: `${out}/launcher.png` });

  const phone = await browser.newPage();
  await phone.setViewport({ width: 390, height: 760, deviceScaleFactor: 1, isMobile: true });
  await visit(phone, 'carol', 'article');
  const small = await phone.$('#page-article live-chat[mode=launcher]');
  await small.evaluate((el) => el.open());
  await shows(small, 'Reload the page: we are still here.');
  await phone.screenshot({ path: `${out}/phone.png` });
  console.log(`alice and bob talked; screenshots saved in ${out}/`);
} finally {
  await browser.close();
}
