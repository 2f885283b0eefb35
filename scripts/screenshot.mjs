// Opens the demo page of a running relay in headless Chromium, has alice and
// bob talk, and saves the README's screenshots: the demo (inline, light), the
// dark theme in French, the launcher open, and a phone.
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
  await page.setViewport({ width: 1100, height: 900 });
  await page.goto(url, { waitUntil: 'networkidle0' });
  const [alice, bob] = await page.$$('live-chat');
  const say = async (from, to, line) => {
    const input = await from.waitForSelector('pierce/textarea');
    await input.type(line);
    await input.press('Enter');
    await shows(to, line);
  };
  await say(alice, bob, 'Hi bob! <img src=x onerror=alert(1)> shows as text.');
  await say(bob, alice, 'Hello alice! Docs: https://example.com/live-chat');
  await say(bob, alice, 'Reload the page: we are still here.');
  await page.screenshot({ path: `${out}/demo.png` });

  await page.click('[data-attr=theme] button[value=dark]');
  await page.click('[data-attr=lang] button[value=fr]');
  await new Promise((r) => setTimeout(r, 200));
  await page.screenshot({ path: `${out}/dark-fr.png` });
  await page.click('[data-attr=theme] button[value=light]');
  await page.click('[data-attr=lang] button[value=en]');

  const launcher = await page.$('live-chat[mode=launcher]');
  await launcher.evaluate((el) => el.open());
  await shows(launcher, 'Reload the page: we are still here.');
  await page.screenshot({ path: `${out}/launcher.png` });

  const phone = await browser.newPage();
  await phone.setViewport({ width: 390, height: 760, deviceScaleFactor: 1, isMobile: true });
  await phone.goto(url, { waitUntil: 'networkidle0' });
  const small = await phone.$('live-chat[mode=launcher]');
  await small.evaluate((el) => el.open());
  await shows(small, 'Reload the page: we are still here.');
  await phone.screenshot({ path: `${out}/phone.png` });
  console.log(`alice and bob talked; screenshots saved in ${out}/`);
} finally {
  await browser.close();
}
