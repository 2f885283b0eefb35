import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'puppeteer-core';
import { joined, msgId, next, request, startRelay, type Relay } from '../helpers.js';
import { browser, consolePage, inDialog, messageAction, openRoom, press, shows, signIn, skip, textOf } from './console-browser.js';

/**
 * The console's views as an operator meets them, in headless Chromium on a
 * real relay: a busy room one line a message with its actions in a menu
 * (on a desktop, and on a phone's touch screen with 44 px targets),
 * confirmations and keyboard shortcuts; the audit log in sentences; times
 * relative, in full in their tooltips; and the overview's charts, figures
 * and links. With CONSOLE_SHOTS=<folder> it saves what it saw there.
 */

const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const MINUTE = 60_000;

async function shot(page: Page, name: string) {
  if (process.env.CONSOLE_SHOTS) await page.screenshot({ path: `${process.env.CONSOLE_SHOTS}/${name}.png` });
}

/** A room of 40 messages from three people, some long, one reported. */
async function busyRoom(t: Parameters<typeof startRelay>[0], relay: Relay, room = 'busy') {
  const people = await Promise.all(['Gus', 'Olivia', 'Bob'].map((name) => joined(t, relay.url, room, { name })));
  const seqs: number[] = [];
  for (let i = 1; i <= 40; i++) {
    const text = i % 7 === 0 ? `message ${i}: a longer one, about the show tonight and whether the stream will start on time` : `message ${i}`;
    seqs.push((await request(people[i % 3]!.socket, 'send', { room, text, clientMsgId: msgId() })).message.seq);
  }
  return { people, seqs };
}

/** The rows of the message list that are in view, and the height of each. */
const rowsInView = (page: Page) =>
  page.evaluate(() => {
    const list = document.querySelector('live-chat-console')!.shadowRoot!.querySelector('ul.messages')!;
    const box = list.getBoundingClientRect();
    const rows = [...list.querySelectorAll('li')].map((li) => li.getBoundingClientRect());
    return rows.filter((r) => r.top >= box.top - 1 && r.bottom <= box.bottom + 1).map((r) => Math.round(r.height));
  });

test('a busy room on a desktop: one line a message, its actions in a menu, at least 15 in view', { skip }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: 'admin-key-for-tests-0123456789' });
  const { page, problems } = await consolePage(await browser(t), relay, desktop.width);
  await page.setViewport(desktop);
  await signIn(page);
  const { seqs } = await busyRoom(t, relay);
  await openRoom(page, 'busy');
  await shows(page, 'message 40');

  const heights = await rowsInView(page);
  assert.ok(heights.length >= 15, `${heights.length} messages in view: ${heights.join(', ')}`);
  const oneLine = heights.filter((h) => h <= 40);
  assert.ok(oneLine.length >= heights.length - 3, `one line a short message: ${heights.join(', ')}`);
  // No control but the one button a row; the menu holds the rest.
  const controls = await page.$$eval('pierce/ul.messages li', (rows) => rows.map((li) => li.querySelectorAll('button, input, select').length));
  assert.deepEqual([...new Set(controls)], [1]);
  await page.click(`pierce/li[data-seq="${seqs[39]}"] button.more`);
  const items = await page.$$eval('pierce/[role=menu] [role=menuitem]', (b) => b.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
  assert.deepEqual(items, ['Pin P', 'Delete… Del', 'Ban Olivia… B']);
  // Destructive items look it: red.
  const colours = await page.$$eval('pierce/[role=menuitem]', (b) => b.map((e) => getComputedStyle(e).color));
  assert.notEqual(colours[1], colours[0]);
  assert.equal(colours[1], colours[2]);
  await shot(page, 'room-menu-1280');
  // Escape closes it, back on its button.
  await page.keyboard.press('Escape');
  await page.waitForSelector('pierce/[role=menu]', { hidden: true });
  assert.equal(await page.evaluate(() => document.querySelector('live-chat-console')!.shadowRoot!.activeElement?.className), 'more');
  await shot(page, 'room-1280');
  assert.deepEqual(problems, []);
});

test('a busy room on a phone: one row a message, every control at least 44 px square, nothing sideways', { skip }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: 'admin-key-for-tests-0123456789' });
  const { page, problems } = await consolePage(await browser(t), relay);
  await page.setViewport(phone);
  assert.equal(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), true, 'a touch screen');
  await signIn(page);
  const { seqs } = await busyRoom(t, relay);
  await openRoom(page, 'busy');
  await shows(page, 'message 40');

  const heights = await rowsInView(page);
  // A short message is one row: its text, its time and its button side by side (no rows of controls).
  assert.ok(heights.filter((h) => h <= 56).length >= heights.length - 3, `rows: ${heights.join(', ')}`);
  await page.click(`pierce/li[data-seq="${seqs[39]}"] button.more`);
  await page.waitForSelector('pierce/[role=menu]');
  await shot(page, 'room-menu-390');
  await page.keyboard.press('Escape');
  await page.waitForSelector('pierce/[role=menu]', { hidden: true });
  await messageAction(page, seqs[38]!, 'Ban');
  await page.waitForSelector('pierce/dialog[open]');
  await shot(page, 'room-ban-390');
  const small = await page.evaluate(() => {
    const root = document.querySelector('live-chat-console')!.shadowRoot!;
    // A checkbox's target is its label.
    return [...root.querySelectorAll<HTMLElement>('button, input, select, textarea')]
      .filter((e) => e.offsetParent !== null || e.closest('dialog[open]'))
      .map((e) => (e.matches('[type=checkbox]') ? e.closest('label')! : e))
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && (r.width < 44 || r.height < 44))
      .map(({ e, r }) => `${e.tagName} ${e.textContent!.trim() || e.getAttribute('name') || e.id} ${Math.round(r.width)}×${Math.round(r.height)}`);
  });
  assert.deepEqual(small, []);
  await inDialog(page, 'Cancel');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), true, 'nothing sideways');
  await shot(page, 'room-390');
  assert.deepEqual(problems, []);
});

test('deleting asks first: Cancel and Escape delete nothing; keys: arrows move, P pins, Delete asks, B asks the ban', { skip }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: 'admin-key-for-tests-0123456789' });
  const { page, problems } = await consolePage(await browser(t), relay, desktop.width);
  await page.setViewport(desktop);
  await signIn(page);
  const { people, seqs } = await busyRoom(t, relay);
  const [gus] = people;
  await openRoom(page, 'busy');
  await shows(page, 'message 40');
  const deletions: unknown[] = [];
  gus!.socket.on('deleted', (e) => deletions.push(e));

  // With the mouse: the menu, then the dialog; Cancel, then Escape.
  await messageAction(page, seqs[39]!, 'Delete');
  assert.match(await textOf(page, 'dialog[open]'), /^Delete Olivia’s message\? message 40 Everyone in busy sees it removed\. This cannot be undone\. Cancel Delete message$/);
  await shot(page, 'room-delete-1280');
  await inDialog(page, 'Cancel');
  await page.waitForSelector('pierce/dialog[open]', { hidden: true });
  await messageAction(page, seqs[39]!, 'Delete');
  await page.waitForSelector('pierce/dialog[open]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('pierce/dialog[open]', { hidden: true });
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(deletions, [], 'nothing deleted');

  // With the keys: Tab reaches the list once (the newest message), the arrows move, P pins.
  const focused = () => page.evaluate(() => document.querySelector('live-chat-console')!.shadowRoot!.activeElement?.closest('li')?.dataset.seq);
  assert.equal(await page.$$eval('pierce/ul.messages button.more[tabindex="0"]', (b) => b.length), 1, 'the list is one Tab stop');
  await page.focus(`pierce/li[data-seq="${seqs[39]}"] button.more`);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.equal(await focused(), String(seqs[37]));
  const pinned = next(gus!.socket, 'room');
  await page.keyboard.press('p');
  assert.equal((await pinned).settings.pinnedSeq, seqs[37]);
  await shows(page, 'Pinned Bob’s message.');
  // Delete asks; Enter on its focused button deletes.
  await page.focus(`pierce/li[data-seq="${seqs[36]}"] button.more`);
  await page.keyboard.press('Delete');
  await page.waitForSelector('pierce/dialog[open]');
  const deleted = next(gus!.socket, 'deleted');
  await page.keyboard.press('Enter');
  assert.deepEqual(await deleted, { room: 'busy', seq: seqs[36] });
  // B asks the ban's length and reason.
  await page.focus(`pierce/li[data-seq="${seqs[35]}"] button.more`);
  await page.keyboard.press('b');
  await page.waitForSelector('pierce/dialog[open] select[name=minutes]');
  assert.match(await textOf(page, 'dialog[open] h3'), /^Ban Gus from busy\?$/);
  await page.keyboard.press('Escape');
  assert.deepEqual(problems, []);
});

test('the audit log says what happened in sentences, with names, and times as "3 min ago" with the full time in a tooltip', { skip }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: 'admin-key-for-tests-0123456789' });
  const { page, problems } = await consolePage(await browser(t), relay, desktop.width);
  await page.setViewport(desktop);
  await signIn(page, 'Olivia');
  const gus = await joined(t, relay.url, 'lobby', { name: 'Gus' });
  const bob = await joined(t, relay.url, 'lobby', { name: 'Bob' });
  // Said three minutes ago (history the relay holds), then now.
  const old = await relay.app.store.append({ room: 'lobby', text: 'from before', author: bob.ack.self, clientMsgId: msgId(), ts: Date.now() - 3 * MINUTE - 5000 });
  const spam = (await request(gus.socket, 'send', { room: 'lobby', text: 'buy pills', clientMsgId: msgId() })).message;
  const hers = (await request(bob.socket, 'send', { room: 'lobby', text: 'welcome all', clientMsgId: msgId() })).message;
  await openRoom(page, 'lobby');
  await shows(page, 'welcome all');

  const stamp = await page.$eval(`pierce/li[data-seq="${old.message.seq}"] time`, (e) => [e.textContent, e.getAttribute('title'), e.getAttribute('datetime')]);
  assert.deepEqual(stamp, ['3 min ago', await page.evaluate((ts) => new Date(ts).toLocaleString(), old.message.ts), new Date(old.message.ts).toISOString()]);
  assert.equal(await page.$eval(`pierce/li[data-seq="${hers.seq}"] time`, (e) => e.textContent), 'just now');

  await messageAction(page, hers.seq, 'Pin');
  await shows(page, 'Pinned Bob’s message.');
  await messageAction(page, spam.seq, 'Delete');
  await inDialog(page, 'Delete message');
  await shows(page, 'Deleted Gus’s message.');
  await messageAction(page, old.message.seq, 'Ban');
  await page.waitForSelector('pierce/dialog[open]');
  await page.select('pierce/dialog[open] select[name=minutes]', '10');
  await page.type('pierce/dialog[open] input[name=reason]', 'spam');
  await press(page, 'Ban Bob', 'dialog[open]');
  await shows(page, 'Unban Bob');
  await press(page, 'Unban Bob');
  await shows(page, 'Ban lifted.');
  await page.click('pierce/input[name=paused]');
  await page.click('pierce/form[aria-labelledby=settings-title] button[type=submit]');
  await shows(page, 'Olivia paused the room');

  const log = await page.$$eval('pierce/ul.audit li', (items) => items.map((li) => (li as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
  assert.deepEqual(log, [
    'Olivia paused the room just now',
    'Olivia lifted the ban on Bob just now',
    'Olivia banned Bob for 10 minutes: spam just now',
    'Olivia deleted Gus’s message just now',
    'Olivia pinned Bob’s message just now',
  ]);
  await shot(page, 'audit-1280');
  // The room list says it too: last message just now.
  await press(page, 'Rooms', 'nav');
  await shows(page, 'last just now');
  assert.deepEqual(problems, []);
});

test('the overview: messages a minute and members online as charts, in words too; the busiest rooms and the open reports lead to them', { skip }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: 'admin-key-for-tests-0123456789' });
  const b = await browser(t);
  const requested: string[] = [];
  const { page, problems } = await consolePage(b, relay, desktop.width);
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.setViewport(desktop);
  // Two hours ago, 12 messages in one minute; now, a busy room and a quiet one with a report.
  const now = Date.now();
  for (let i = 0; i < 12; i++) {
    await relay.app.store.append({ room: 'busy', text: `earlier ${i}`, author: { id: 'u-old', name: 'Old', verified: true }, clientMsgId: msgId(), ts: now - 120 * MINUTE + i });
  }
  const { people } = await busyRoom(t, relay);
  const quiet = await joined(t, relay.url, 'quiet', { name: 'Ann' });
  const bad = (await request(quiet.socket, 'send', { room: 'quiet', text: 'rude words', clientMsgId: msgId() })).message;
  await request(people[0]!.socket, 'join', { room: 'quiet' });
  assert.deepEqual(await request(people[0]!.socket, 'report', { room: 'quiet', seq: bad.seq }), { ok: true });
  await relay.app.onlineSamples.sample(Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE);
  await relay.app.onlineSamples.sample(Math.floor(Date.now() / MINUTE) * MINUTE);

  await signIn(page);
  // The overview is the console's first view.
  await shows(page, 'Busiest rooms');
  await page.waitForFunction(() => document.querySelector('live-chat-console')!.shadowRoot!.querySelectorAll('.chart canvas').length >= 2);
  assert.ok(requested.includes('/api/overview'));
  const tiles = await page.$$eval('pierce/.tiles li', (items) => items.map((li) => (li as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
  assert.deepEqual(tiles, ['53 messages 41 in the last hour', '4 members online at ' + tiles[1]!.split(' at ')[1], '1 open report Review them']);
  const captions = await page.$$eval('pierce/figcaption', (items) => items.map((f) => (f as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
  assert.match(captions[0]!, /^Messages a minute 53 in 24 hours; at most \d+ in a minute, at .+\.$/);
  assert.match(captions[1]!, /^Members online At most 4, at .+; sampled at each minute’s start\.$/);
  const busiest = await page.$$eval('pierce/ol.busiest li', (items) => items.map((li) => (li as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
  assert.deepEqual(busiest, ['busy 52 messages · 3 online now', 'quiet 1 message · 2 online now']);
  await shot(page, 'overview-1280');
  await page.setViewport(phone);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), true, 'nothing sideways');
  await shot(page, 'overview-390');
  // (A viewport leaving a phone's touch screen loads the page again.)
  await page.setViewport(desktop);
  await shows(page, 'Review them');

  // The open report leads to the reports; a busy room to the room, live.
  await press(page, 'Review them');
  await shows(page, 'rude words');
  await press(page, 'Overview', 'nav');
  await shows(page, 'Busiest rooms');
  await press(page, 'busy', 'ol.busiest');
  await shows(page, '· live');
  await shows(page, 'message 40');
  assert.deepEqual(problems, []);
});
