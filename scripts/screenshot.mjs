// Opens the demo page of a running relay in headless Chromium, sends a
// message as alice, waits for bob to see it, has bob answer, and saves a
// screenshot.
// Usage: node scripts/screenshot.mjs [url] [out.png]
import puppeteer from 'puppeteer-core';
import { chromiumPath, chromiumArgs } from './chromium.mjs';

const url = process.argv[2] ?? 'http://127.0.0.1:3000/';
const out = process.argv[3] ?? 'docs/demo.png';
const text = process.argv[4] ?? 'Hi bob! <img src=x onerror=alert(1)> stays text.';

const browser = await puppeteer.launch({ executablePath: chromiumPath(), args: chromiumArgs, headless: true });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 820, deviceScaleFactor: 1 });
  page.on('dialog', async (dialog) => {
    console.error(`a dialog opened: ${dialog.message()} (XSS!)`);
    process.exitCode = 1;
    await dialog.dismiss();
  });
  await page.goto(url, { waitUntil: 'networkidle0' });
  const [alice, bob] = await page.$$('live-chat');
  await page.waitForFunction((el) => el.shadowRoot?.querySelector('[part=status]')?.classList.contains('online'), {}, bob);
  const say = async (from, to, line) => {
    const input = await from.waitForSelector('pierce/textarea');
    await input.type(line);
    await input.press('Enter');
    await page.waitForFunction(
      (el, t) => [...el.shadowRoot.querySelectorAll('[part=text]')].some((p) => p.textContent === t),
      { timeout: 5000 },
      to,
      line,
    );
  };
  await say(alice, bob, text);
  await say(bob, alice, 'Hello alice! Reload the page: we are still here.');
  await page.screenshot({ path: out });
  console.log(`bob saw alice's message; screenshot saved to ${out}`);
} finally {
  await browser.close();
}
