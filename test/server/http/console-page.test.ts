import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import type { Page } from 'puppeteer-core';
import { WRONG_KEYS } from '../../../server/http/wrong-keys.js';
import { joined, msgId, next, request, startRelay } from '../helpers.js';
import { admin, axe, browser, consolePage, hides, inDialog, key, messageAction, openRoom, press, shows, signIn, skip, submit, textOf } from './console-browser.js';

/**
 * The console page end to end in headless Chromium, served by a real relay
 * under its own strict CSP (same origin, as in production): sign-in refused,
 * rate limited, then accepted; a room live, delete, ban; settings a widget
 * in another page follows; a report resolved; sign-out; and axe finds
 * nothing on any view, on a phone and a desktop, light and dark. No CSP
 * violation, no page error.
 */

test('sign-in: a wrong key is refused, and after WRONG_KEYS the page says to wait, even with the right key', { skip }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const { page, problems } = await consolePage(await browser(t), relay);
  for (let i = 1; i <= WRONG_KEYS.points; i++) {
    await page.type('pierce/#key', `wrong-key-number-${i}`);
    assert.equal(await submit(page), 401);
    await shows(page, 'Wrong key.');
    // The form keeps what was typed: select it all, to type over it.
    await (await page.$('pierce/#key'))!.click({ count: 3 });
  }
  await page.type('pierce/#key', key);
  assert.equal(await submit(page), 429);
  await shows(page, 'Too many attempts: try again in');
  const said = await page.$eval('pierce/[role=alert]', (p) => p.textContent!);
  assert.match(said, /^Too many attempts: try again in ([1-9]|10) min\.$/, 'minutes, not 600 s');
  assert.equal(await page.$('pierce/header'), null, 'still signed out');
  assert.deepEqual(problems, []);
});

/** Waits until the widget's shadow root does (or, with `present` false, no longer does) show `text`. */
async function widgetShows(page: Page, text: string, present = true) {
  await page.waitForFunction(
    (t, p) => document.querySelector('#try live-chat')?.shadowRoot?.textContent?.includes(t) === p,
    { timeout: 5000 },
    text,
    present,
  );
}

test('the console: sign in, see a room live, delete, change settings a widget follows, ban, sign out', { skip }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const b = await browser(t);
  const { page, problems } = await consolePage(b, relay);

  await page.type('pierce/#key', 'not-the-key-at-all');
  await page.click('pierce/button[type=submit]');
  await shows(page, 'Wrong key.');
  await (await page.$('pierce/#key'))!.click({ count: 3 });
  await signIn(page);
  const [cookie] = await page.cookies();
  assert.deepEqual([cookie!.httpOnly, cookie!.sameSite], [true, 'Strict']);
  assert.equal(await page.evaluate(() => document.cookie), '', 'HttpOnly: the page never reads it');

  const ann = await joined(t, relay.url, 'lobby', { name: 'ann' });
  const first = await request(ann.socket, 'send', { room: 'lobby', text: 'first words', clientMsgId: msgId() });
  // The list refreshes every 10 s; the Rooms tab reloads it at once.
  await openRoom(page, 'lobby');
  await shows(page, 'first words');
  // Live: a message sent now appears without a reload.
  const second = await request(ann.socket, 'send', { room: 'lobby', text: 'second, live', clientMsgId: msgId() });
  await shows(page, 'second, live');

  const deleted = next(ann.socket, 'deleted');
  await messageAction(page, second.message.seq, 'Delete');
  await inDialog(page, 'Delete message');
  assert.deepEqual(await deleted, { room: 'lobby', seq: second.message.seq });
  await shows(page, 'Deleted ann’s message.');

  // A visitor's widget in another page: the relay's demo, whose chat is the lobby.
  const visitor = await b.newPage();
  visitor.on('pageerror', (error) => problems.push(`the widget's page: ${error}`));
  await visitor.goto(`${relay.url}/?name=Vera`, { waitUntil: 'networkidle0' });
  await widgetShows(visitor, 'first words');
  await widgetShows(visitor, 'Be kind', false);

  await page.bringToFront();
  const told = next(ann.socket, 'room');
  await page.type('pierce/#topic', 'Be kind');
  await page.click('pierce/form[aria-labelledby=settings-title] button[type=submit]');
  assert.equal((await told).settings.topic, 'Be kind');
  await shows(page, 'Settings saved.');
  await shows(page, 'Rosa set the topic to “Be kind”');
  await visitor.bringToFront();
  await widgetShows(visitor, 'Be kind');

  // Paused from the console: the widget says so instead of its composer; resumed, the notice goes.
  await page.bringToFront();
  await page.click('pierce/input[name=paused]');
  const paused = next(ann.socket, 'room');
  await page.click('pierce/form[aria-labelledby=settings-title] button[type=submit]');
  assert.equal((await paused).settings.paused, true);
  await visitor.bringToFront();
  await widgetShows(visitor, 'Chat is paused.');
  assert.equal((await request(ann.socket, 'send', { room: 'lobby', text: 'hello?', clientMsgId: msgId() })).error.code, 'paused');
  await page.bringToFront();
  await page.click('pierce/input[name=paused]');
  const resumed = next(ann.socket, 'room');
  await page.click('pierce/form[aria-labelledby=settings-title] button[type=submit]');
  assert.equal((await resumed).settings.paused, false);
  await visitor.bringToFront();
  await widgetShows(visitor, 'Chat is paused.', false);
  await visitor.close();

  // Ban ann from her message: 24 hours, with a reason. She is told, and refused.
  await page.bringToFront();
  await messageAction(page, first.message.seq, 'Ban');
  await page.waitForSelector('pierce/dialog[open]');
  await page.select('pierce/dialog[open] select[name=minutes]', '1440');
  await page.type('pierce/dialog[open] input[name=reason]', 'spam links');
  const banned = next(ann.socket, 'banned');
  const before = Date.now();
  await page.click('pierce/dialog[open] button[type=submit]');
  const ban = await banned;
  assert.equal(ban.room, 'lobby');
  assert.equal(ban.reason, 'spam links');
  assert.ok(Math.abs(ban.until - (before + 24 * 3600_000)) < 60_000, `banned for 24 hours (until ${ban.until})`);
  await shows(page, 'ann is banned from lobby for 24 hours.');
  const refused = await request(ann.socket, 'send', { room: 'lobby', text: 'let me back', clientMsgId: msgId() });
  // The ban took her out of the room, and she cannot join it again.
  assert.equal(refused.error.code, 'not_joined');
  assert.equal((await request(ann.socket, 'join', { room: 'lobby' })).error.code, 'banned');
  // The room's bans list her, with the reason, and the audit log the ban.
  await shows(page, 'Unban ann');
  assert.match(await textOf(page, 'section[aria-labelledby=bans-title]'), /ann ends in 2[34] h · spam links Unban ann/);
  await shows(page, 'Rosa banned ann for 24 hours: spam links');

  await press(page, 'Sign out', 'header');
  await shows(page, 'Admin key');
  assert.equal((await page.evaluate(() => fetch('/api/rooms').then((r) => r.status))), 401);
  assert.deepEqual(problems, []);
});

test('the console: a busy room opens at its newest message and follows new ones, unless scrolled up', { skip }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const b = await browser(t);
  const { page, problems } = await consolePage(b, relay, 1280);
  await signIn(page);
  const ann = await joined(t, relay.url, 'busy', { name: 'ann' });
  for (let i = 1; i <= 40; i++) await request(ann.socket, 'send', { room: 'busy', text: `words ${i}`, clientMsgId: msgId() });
  await openRoom(page, 'busy');
  await shows(page, 'words 40');

  // How far the message list is from its end (0: the newest is in view), and its scroll offset.
  const list = () =>
    page.evaluate(() => {
      const ul = document.querySelector('live-chat-console')!.shadowRoot!.querySelector('ul.messages')!;
      return { fromEnd: ul.scrollHeight - ul.scrollTop - ul.clientHeight, top: ul.scrollTop, scrolls: ul.scrollHeight > ul.clientHeight };
    });
  assert.ok((await list()).scrolls, 'forty messages overflow the list');
  await page.waitForFunction(() => {
    const ul = document.querySelector('live-chat-console')!.shadowRoot!.querySelector('ul.messages')!;
    return ul.scrollHeight - ul.scrollTop - ul.clientHeight < 2;
  }, { timeout: 5000 });

  // At the end, a new message keeps the view at the end.
  await request(ann.socket, 'send', { room: 'busy', text: 'words 41, live', clientMsgId: msgId() });
  await shows(page, 'words 41, live');
  assert.ok((await list()).fromEnd < 2, 'still at the newest');

  // Scrolled up to read, a new message does not pull the view away.
  await page.evaluate(() => document.querySelector('live-chat-console')!.shadowRoot!.querySelector('ul.messages')!.scrollTo({ top: 0 }));
  await request(ann.socket, 'send', { room: 'busy', text: 'words 42, live', clientMsgId: msgId() });
  await shows(page, 'words 42, live');
  assert.equal((await list()).top, 0, 'left where the moderator scrolled');
  assert.deepEqual(problems, []);
});

test('the console: a dropped connection comes back live on a new ticket (each opens one connection), and shows what was said meanwhile', { skip }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const b = await browser(t);
  const { page, problems } = await consolePage(b, relay);
  await signIn(page);
  const ann = await joined(t, relay.url, 'drop', { name: 'ann' });
  await request(ann.socket, 'send', { room: 'drop', text: 'before the cut', clientMsgId: msgId() });
  // What the relay answers the console: its tickets, and every WebSocket frame.
  const tickets: number[] = [];
  page.on('response', (r) => r.url().endsWith('/console/ticket') && tickets.push(r.status()));
  const frames: string[] = [];
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameReceived', (e) => frames.push(e.response.payloadData));
  await openRoom(page, 'drop');
  await shows(page, 'before the cut');

  // The network drops the console's connection (not a Socket.IO disconnect, after which no client comes back).
  // The room's connection (the console's other one, the reports feed, joins no room).
  const consoleSockets = () => [...relay.app.sockets.io.sockets.sockets.values()].filter((s) => s.data.consoleSession && s.rooms.has('drop'));
  assert.equal(consoleSockets().length, 1);
  consoleSockets()[0]!.conn.close();
  await request(ann.socket, 'send', { room: 'drop', text: 'said while away', clientMsgId: msgId() });
  await shows(page, 'said while away');
  await shows(page, '· live');
  assert.equal(consoleSockets().length, 1, 'connected again');
  // A reconnect with the spent ticket would be refused first.
  assert.deepEqual(tickets, [200, 200], 'one new ticket for the reconnect');
  assert.deepEqual(frames.filter((f) => f.startsWith('44')), [], 'no handshake refused');
  assert.deepEqual(problems, []);
});

test('the console: a report shows with its reporter and reason, and resolved it leaves the open list', { skip }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const { page, problems } = await consolePage(await browser(t), relay);
  await signIn(page);

  const ann = await joined(t, relay.url, 'help', { name: 'ann' });
  const bob = await joined(t, relay.url, 'help', { name: 'bob' });
  await request(ann.socket, 'send', { room: 'help', text: 'just before', clientMsgId: msgId() });
  const bad = await request(ann.socket, 'send', { room: 'help', text: 'buy cheap pills', clientMsgId: msgId() });
  assert.deepEqual(await request(bob.socket, 'report', { room: 'help', seq: bad.message.seq, reason: 'spam' }), { ok: true });

  await press(page, 'Reports', 'nav');
  await shows(page, 'buy cheap pills');
  const [open] = (await admin(relay, '/api/reports?status=open')).reports;
  const item = `pierce/li[data-report="${open.id}"]`;
  const text = await page.$eval(item, (li) => (li as HTMLElement).innerText.replace(/\s+/g, ' '));
  assert.match(text, /help 1 report/);
  assert.match(text, /ann: just before ann: buy cheap pills/, 'the message after the one before it');
  assert.match(text, /Reported by bob · spam/);

  await press(page, 'Resolve', `li[data-report="${open.id}"]`);
  await shows(page, 'Report resolved.');
  await shows(page, 'No open reports.');
  await hides(page, 'buy cheap pills');
  const { reports } = await admin(relay, '/api/reports?status=resolved');
  assert.deepEqual(
    reports.map((r: any) => [r.id, r.status, r.message.text]),
    [[open.id, 'resolved', 'buy cheap pills']],
  );
  assert.deepEqual((await admin(relay, '/api/reports?status=open')).reports, []);
  // The audit log of the room names who resolved it.
  const { entries } = await admin(relay, '/api/rooms/help/audit');
  assert.deepEqual([entries[0].action, entries[0].actor.name], ['resolve_report', 'Rosa']);
  assert.deepEqual(problems, []);
});

test('the console follows reports live: the Reports tab counts the open ones; resolved anywhere, one leaves the list; its Resolve reaches every moderator', { skip }, async (t) => {
  const secret = 'console-live-reports-secret-0123456789';
  const relay = await startRelay(t, { adminApiKey: key, jwtSecret: secret });
  const { page, problems } = await consolePage(await browser(t), relay, 1280);
  await signIn(page);
  const mod = await joined(t, relay.url, 'help', {
    token: await new SignJWT({ sub: 'u-mia', name: 'Mia', role: 'moderator' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret)),
  });
  const ann = await joined(t, relay.url, 'help', { name: 'ann' });
  const bob = await joined(t, relay.url, 'help', { name: 'bob' });
  const first = await request(ann.socket, 'send', { room: 'help', text: 'first spam', clientMsgId: msgId() });
  const second = await request(ann.socket, 'send', { room: 'help', text: 'second spam', clientMsgId: msgId() });
  await press(page, 'Reports', 'nav');
  await shows(page, 'No open reports.');

  // Reported while the page is open: it appears, and the tab counts it, with no reload.
  await request(bob.socket, 'report', { room: 'help', seq: first.message.seq, reason: 'spam' });
  await request(bob.socket, 'report', { room: 'help', seq: second.message.seq });
  await shows(page, 'first spam');
  await shows(page, 'second spam');
  const count = () => page.$eval('pierce/[data-open-reports]', (el) => el.textContent!.trim()).catch(() => '');
  await page.waitForFunction(() => document.querySelector('live-chat-console')!.shadowRoot!.querySelector('[data-open-reports]')?.textContent === '2');

  // A moderator in a widget dismisses one: it leaves the console at once.
  assert.deepEqual(await request(mod.socket, 'resolve', { room: 'help', seq: first.message.seq }), { ok: true });
  await page.waitForFunction(() => document.querySelector('live-chat-console')!.shadowRoot!.querySelectorAll('li[data-report]').length === 1);
  await page.waitForFunction(() => document.querySelector('live-chat-console')!.shadowRoot!.querySelector('[data-open-reports]')?.textContent === '1');

  // The console's Resolve goes through the relay: the moderator in the widget is told, by whom.
  const told = next(mod.socket, 'reportResolved');
  const [open] = (await admin(relay, '/api/reports?status=open')).reports;
  await press(page, 'Resolve', `li[data-report="${open.id}"]`);
  assert.deepEqual(await told, { room: 'help', seq: second.message.seq, by: { id: 'admin', name: 'Rosa', verified: true, role: 'moderator' }, how: 'dismissed' });
  await shows(page, 'No open reports.');
  await page.waitForFunction(() => !document.querySelector('live-chat-console')!.shadowRoot!.querySelector('[data-open-reports]'));
  assert.equal(await count(), '');

  // A flood of reports: the count is read again at most once a second (each read is a COUNT on the relay), not once a report.
  const flood = 12;
  const spam = [];
  for (let i = 0; i < flood; i++) spam.push(await request(ann.socket, 'send', { room: 'help', text: `flood ${i}`, clientMsgId: msgId() }));
  const reads: number[] = [];
  const started = Date.now();
  page.on('request', (r) => void (r.url().endsWith('/api/reports?status=open&limit=1') && reads.push(Date.now() - started)));
  for (const sent of spam) await request(bob.socket, 'report', { room: 'help', seq: sent.message.seq });
  const reported = Date.now() - started;
  await page.waitForFunction((n) => document.querySelector('live-chat-console')!.shadowRoot!.querySelector('[data-open-reports]')?.textContent === n, {}, String(flood));
  await new Promise((resolve) => setTimeout(resolve, 1200));
  assert.ok(reads.length >= 1 && reads.length <= Math.ceil(reported / 1000) + 2, `${reads.length} reads in ${reported} ms: ${reads}`);
  assert.deepEqual(problems, []);
});

test('the console: the open count, and "Load more" reaches an older report below a flood of newer ones', { skip }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const { page, problems } = await consolePage(await browser(t), relay);
  await signIn(page);

  const ann = await joined(t, relay.url, 'help', { name: 'ann' });
  const bob = await joined(t, relay.url, 'help', { name: 'bob' });
  const real = await request(ann.socket, 'send', { room: 'help', text: 'the real problem', clientMsgId: msgId() });
  assert.deepEqual(await request(bob.socket, 'report', { room: 'help', seq: real.message.seq, reason: 'threat' }), { ok: true });
  await new Promise((resolve) => setTimeout(resolve, 2)); // reports are ordered by time, in milliseconds
  for (let i = 0; i < 45; i++) {
    const flood = await request(ann.socket, 'send', { room: 'help', text: `flood ${i}`, clientMsgId: msgId() });
    await request(bob.socket, 'report', { room: 'help', seq: flood.message.seq });
  }

  await press(page, 'Reports', 'nav');
  await shows(page, '46 open · 20 shown');
  await shows(page, 'flood 44');
  const shown = () => page.$$eval('pierce/li[data-report]', (items) => items.length);
  assert.equal(await shows(page, 'Load more').then(shown), 20);
  await press(page, 'Load more');
  await shows(page, '46 open · 40 shown');
  await press(page, 'Load more');
  await page.waitForFunction(() => document.querySelector('live-chat-console')!.shadowRoot!.querySelectorAll('li[data-report]').length === 46);
  const count = () => page.$eval('pierce/[data-open-count]', (p) => p.textContent!.trim());
  await page.waitForFunction(() => document.querySelector('live-chat-console')!.shadowRoot!.querySelector('[data-open-count]')!.textContent!.trim() === '46 open');
  assert.equal(await shown(), 46);
  await hides(page, 'Load more');

  // Resolved where it is: the count drops, the place is kept.
  const [oldest] = (await admin(relay, '/api/reports?status=open&limit=1&before=' + (await admin(relay, '/api/reports?status=open&limit=45')).reports.at(-1).id)).reports;
  assert.equal(oldest.message.text, 'the real problem');
  await press(page, 'Resolve', `li[data-report="${oldest.id}"]`);
  await page.waitForSelector(`pierce/li[data-report="${oldest.id}"]`, { hidden: true });
  assert.equal(await count(), '45 open');
  assert.equal(await shown(), 45);
  assert.deepEqual(problems, []);
});

test('the console is axe-clean: sign-in, the overview, rooms, a room (its menu and dialogs), reports; on a phone and a desktop, light and dark', { skip }, async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const { page, problems } = await consolePage(await browser(t), relay);
  const found: string[] = [];

  // Signing in, with the refusal on screen.
  await page.type('pierce/#key', 'not-the-key-at-all');
  await page.click('pierce/button[type=submit]');
  await shows(page, 'Wrong key.');
  found.push(...(await axe(page, 'sign-in')));
  await (await page.$('pierce/#key'))!.click({ count: 3 });
  await signIn(page);

  // A room with a topic, messages (one deleted), a ban and an audit log; a report of another room.
  const ann = await joined(t, relay.url, 'lobby', { name: 'ann' });
  const bob = await joined(t, relay.url, 'help', { name: 'bob' });
  const carl = await joined(t, relay.url, 'help', { name: 'carl' });
  for (const text of ['hello', 'anyone here?', 'a link: https://example.com']) {
    await request(ann.socket, 'send', { room: 'lobby', text, clientMsgId: msgId() });
  }
  const bad = await request(bob.socket, 'send', { room: 'help', text: 'buy cheap pills', clientMsgId: msgId() });
  await request(carl.socket, 'report', { room: 'help', seq: bad.message.seq, reason: 'spam' });

  // The overview, first after signing in: its charts, the busiest rooms, the open report.
  await shows(page, 'Busiest rooms');
  await page.waitForSelector('pierce/.chart canvas');
  found.push(...(await axe(page, 'overview')));

  await openRoom(page, 'help');
  await press(page, 'Rooms', 'nav');
  await shows(page, 'lobby');
  found.push(...(await axe(page, 'rooms')));

  await press(page, 'lobby', '.rooms');
  await shows(page, '· live');
  await shows(page, 'a link: https://example.com');
  await page.type('pierce/#topic', 'Be kind');
  await page.click('pierce/form[aria-labelledby=settings-title] button[type=submit]');
  await shows(page, 'Settings saved.');
  await messageAction(page, 2, 'Delete');
  found.push(...(await axe(page, 'a room, asked to confirm a deletion')));
  await inDialog(page, 'Delete message');
  await shows(page, 'Deleted ann’s message.');
  await messageAction(page, 3, 'Pin');
  await shows(page, 'Pinned ann’s message.');
  await messageAction(page, 1, 'Ban');
  found.push(...(await axe(page, 'a room, asked how long to ban')));
  await inDialog(page, 'Ban ann');
  await shows(page, 'Unban ann');
  await page.click('pierce/li[data-seq="3"] button.more');
  await page.waitForSelector('pierce/[role=menu]');
  found.push(...(await axe(page, "a message's menu", '[role=menu]')));
  await page.keyboard.press('Escape');
  found.push(...(await axe(page, 'a room')));

  await press(page, 'Reports', 'nav');
  await shows(page, 'buy cheap pills');
  found.push(...(await axe(page, 'reports')));

  assert.deepEqual(found, []);
  assert.deepEqual(problems, []);
});
