/**
 * PROTOCOL.md v2, as a client written only from that text checks it: the
 * order of send refusals, rate limits, blocked words, bans (by member and
 * by address) and reports.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { collect, connect, joined, next, request, sleep, tempDir } from '../helpers.js';
import { failed, joinAs, modToken, relayWith, send, userToken } from './setup.js';

// ---------------------------------------------------------------- send refusals

test('send refusals come in the stated order: paused, members_only, slow_mode, blocked, then the v1 rules', async (t) => {
  const relay = await relayWith(t, { maxMessageLength: 20 });
  const mod = await joined(t, relay.url, 'order', { token: await modToken() });
  const guest = await joined(t, relay.url, 'order', { name: 'Gus', clientId: 'gus-client-1' });
  const member = await joined(t, relay.url, 'order', { token: await userToken('mem') });
  const configure = async (settings: object) => assert.ok((await request(mod.socket, 'configure', { room: 'order', settings })).ok);
  await configure({ paused: true, membersOnly: true, slowModeSeconds: 60, blockedWords: ['zork'] });
  const tooLongBlocked = 'zork '.repeat(10);
  failed(await send(guest.socket, 'order', tooLongBlocked), 'paused');
  failed(await send(member.socket, 'order', tooLongBlocked), 'paused');
  // Moderators may send while paused and are exempt from slow mode, not from blocked words.
  assert.ok((await send(mod.socket, 'order', 'as mod')).ok);
  assert.ok((await send(mod.socket, 'order', 'again')).ok);
  failed(await send(mod.socket, 'order', 'zork'), 'blocked');
  await configure({ paused: false });
  failed(await send(guest.socket, 'order', tooLongBlocked), 'members_only');
  assert.ok((await send(member.socket, 'order', 'first')).ok);
  const slow = await send(member.socket, 'order', tooLongBlocked);
  failed(slow, 'slow_mode');
  assert.ok(slow.error.retryAfterMs > 0 && slow.error.retryAfterMs <= 60_000);
  await configure({ slowModeSeconds: 0, membersOnly: false });
  failed(await send(guest.socket, 'order', tooLongBlocked), 'blocked');
  failed(await send(guest.socket, 'order', 'x'.repeat(21)), 'too_long');
  failed(await send(guest.socket, 'order', '   '), 'empty');
  // Guests still read a members-only room.
  await configure({ membersOnly: true });
  const read = next(guest.socket, 'message');
  await send(member.socket, 'order', 'read me');
  assert.equal((await read).text, 'read me');
});

test('rate_limited comes with retryAfterMs', async (t) => {
  const relay = await relayWith(t, { rateLimit: { points: 2, windowMs: 10_000 } });
  const a = await joined(t, relay.url, 'rl', { token: await userToken('rl') });
  assert.ok((await send(a.socket, 'rl', '1')).ok);
  assert.ok((await send(a.socket, 'rl', '2')).ok);
  const refused = await send(a.socket, 'rl', '3');
  failed(refused, 'rate_limited');
  assert.ok(refused.error.retryAfterMs > 0);
});

// ---------------------------------------------------------------- blocked words

test('blocked words: without case, accents or width, look-alikes, spaced or dotted letters, whole words only; the error names no word', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'blocked.txt');
  writeFileSync(file, 'globalword\nbad phrase here\n');
  const relay = await relayWith(t, { blockedWordsFile: file });
  const mod = await joined(t, relay.url, 'bw', { token: await modToken() });
  const a = await joined(t, relay.url, 'bw', { name: 'A', clientId: 'a-client-1' });
  assert.ok((await request(mod.socket, 'configure', { room: 'bw', settings: { blockedWords: ['spam', 'buy now', 'toast', 'aeiost', 'Crème'] } })).ok);
  const blocked = [
    'SPAM', 'Spam!', 'spám', 'ｓｐａｍ', '5p4m', '$p@m', 's p a m', 's.p.a.m', 'S.P.A.M.', 'this is spam really',
    'Buy Now', 'buy   now!', 't0457', '7oa$t', '@3105t', '4ei0s7', 'creme', 'CRÈME', 'globalword', 'GLOBALWORD', 'a bad phrase here b',
  ];
  for (const text of blocked) {
    const ack = await send(a.socket, 'bw', text);
    failed(ack, 'blocked');
    for (const word of ['spam', 'buy', 'toast', 'aeiost', 'crème', 'globalword', 'phrase']) {
      assert.ok(!ack.error.message.toLowerCase().includes(word), `the error names no word: ${ack.error.message}`);
    }
  }
  for (const text of ['spammer', 'antispam', 'buy later', 'now buy', 'toasted', 'bad phrase', 'global word']) {
    assert.ok((await send(a.socket, 'bw', text)).ok, `not blocked: ${text}`);
  }
  // Edit follows the same rules.
  failed(await request(a.socket, 'edit', { room: 'bw', seq: 1, text: 'spam' }), 'blocked');
  // Non-moderators see [] for blockedWords; moderators the list.
  const view = await request(a.socket, 'join', { room: 'bw' });
  assert.deepEqual(view.settings.blockedWords, []);
  const modView = await request(mod.socket, 'join', { room: 'bw' });
  assert.equal(modView.settings.blockedWords.length, 5);
});

// ---------------------------------------------------------------- bans

test('ban: 1–525600 minutes, reason ≤ 200, no banning moderators, the banned event, and refusal on rejoin', async (t) => {
  const relay = await relayWith(t);
  const mod = await joined(t, relay.url, 'bans', { token: await modToken() });
  const mod2 = await joined(t, relay.url, 'bans', { token: await modToken('mod-2') });
  const ann = await joined(t, relay.url, 'bans', { token: await userToken('ann') });
  const guest = await joined(t, relay.url, 'bans', { name: 'G', clientId: 'g-client-1' });
  const id = ann.ack.self.id;
  failed(await request(mod.socket, 'ban', { room: 'bans', memberId: id, minutes: 0 }), 'invalid_payload');
  failed(await request(mod.socket, 'ban', { room: 'bans', memberId: id, minutes: 525_601 }), 'invalid_payload');
  failed(await request(mod.socket, 'ban', { room: 'bans', memberId: id, minutes: 5, reason: 'r'.repeat(201) }), 'invalid_payload');
  failed(await request(mod.socket, 'ban', { room: 'bans', memberId: mod2.ack.self.id, minutes: 5 }), 'forbidden');
  failed(await request(guest.socket, 'ban', { room: 'bans', memberId: id, minutes: 5 }), 'forbidden');
  failed(await request(guest.socket, 'bans', { room: 'bans' }), 'forbidden');
  failed(await request(guest.socket, 'unban', { room: 'bans', memberId: id }), 'forbidden');
  failed(await request(guest.socket, 'configure', { room: 'bans', settings: { topic: 'x' } }), 'forbidden');
  const banned = next(ann.socket, 'banned');
  assert.ok((await request(mod.socket, 'ban', { room: 'bans', memberId: id, minutes: 525_600, reason: 'r'.repeat(200) })).ok);
  const event = await banned;
  assert.deepEqual(Object.keys(event).sort(), ['reason', 'room', 'until']);
  assert.equal(event.room, 'bans');
  assert.equal(event.reason, 'r'.repeat(200));
  assert.ok(Math.abs(event.until - (Date.now() + 525_600 * 60_000)) < 5000);
  failed(await send(ann.socket, 'bans', 'still here?'), 'not_joined');
  failed(await request(ann.socket, 'join', { room: 'bans' }), 'banned');
  const noReason = next(guest.socket, 'banned');
  assert.ok((await request(mod.socket, 'ban', { room: 'bans', memberId: guest.ack.self.id, minutes: 1 })).ok);
  assert.deepEqual(Object.keys(await noReason).sort(), ['room', 'until']);
});

test('ban: guests from the banned address (IPv4, IPv6 /64) are refused whatever name they bring; verified members never by address', async (t) => {
  const relay = await relayWith(t, { trustProxy: ['loopback'] });
  const mod = await joined(t, relay.url, 'addr', { token: await modToken() });
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const g4 = await joinAs(t, relay.url, 'addr', { name: 'g4', clientId: 'g4-client-1' }, from('203.0.113.7'));
  const g6 = await joinAs(t, relay.url, 'addr', { name: 'g6', clientId: 'g6-client-1' }, from('2001:db8:1:2::5'));
  const member = await joinAs(t, relay.url, 'addr', { token: await userToken('vip') }, from('198.51.100.9'));
  for (const who of [g4, g6, member]) assert.ok(who.ack.ok);
  for (const who of [g4, g6, member]) assert.ok((await request(mod.socket, 'ban', { room: 'addr', memberId: who.ack.self.id, minutes: 5 })).ok);

  failed((await joinAs(t, relay.url, 'addr', { name: 'new', clientId: 'other-client-1' }, from('203.0.113.7'))).ack, 'banned');
  failed((await joinAs(t, relay.url, 'addr', { name: 'new6', clientId: 'other-client-2' }, from('2001:db8:1:2:ffff::1'))).ack, 'banned');
  failed((await joinAs(t, relay.url, 'addr', {}, from('198.51.100.9'))).ack, 'banned', );
  assert.ok((await joinAs(t, relay.url, 'addr', { name: 'ok4' }, from('203.0.113.8'))).ack.ok);
  assert.ok((await joinAs(t, relay.url, 'addr', { name: 'ok6' }, from('2001:db8:1:3::5'))).ack.ok);
  assert.ok((await joinAs(t, relay.url, 'addr', { token: await userToken('other-verified') }, from('203.0.113.7'))).ack.ok);
  // Another room is not concerned.
  assert.ok((await joinAs(t, relay.url, 'elsewhere', { name: 'new' }, from('203.0.113.7'))).ack.ok);
  // Unban lifts the address ban too.
  assert.ok((await request(mod.socket, 'unban', { room: 'addr', memberId: g4.ack.self.id })).ok);
  assert.ok((await joinAs(t, relay.url, 'addr', { name: 'back' }, from('203.0.113.7'))).ack.ok);
});

// ---------------------------------------------------------------- reports

test('report: once per member per message; the room\'s moderators online get report with the count', async (t) => {
  const relay = await relayWith(t);
  const mod = await joined(t, relay.url, 'rep', { token: await modToken() });
  const elsewhere = await joined(t, relay.url, 'other', { token: await modToken('scoped', ['other']) });
  const ann = await joined(t, relay.url, 'rep', { name: 'Ann', clientId: 'ann-client-1' });
  const bob = await joined(t, relay.url, 'rep', { name: 'Bob', clientId: 'bob-client-1' });
  const sent = await send(ann.socket, 'rep', 'report me');
  const reports = collect(mod.socket, 'report');
  const memberSees = collect(bob.socket, 'report');
  const scopedSees = collect(elsewhere.socket, 'report');
  assert.deepEqual(await request(bob.socket, 'report', { room: 'rep', seq: 1, reason: 'rude' }), { ok: true });
  assert.deepEqual(await request(bob.socket, 'report', { room: 'rep', seq: 1, reason: 'again' }), { ok: true });
  assert.deepEqual(await request(ann.socket, 'report', { room: 'rep', seq: 1 }), { ok: true });
  failed(await request(ann.socket, 'report', { room: 'rep', seq: 9 }), 'not_found');
  failed(await request(ann.socket, 'report', { room: 'rep', seq: 1, reason: 'r'.repeat(201) }), 'invalid_payload');
  await sleep(150);
  assert.deepEqual(reports, [
    { room: 'rep', message: sent.message, reporter: bob.ack.self, reason: 'rude', count: 1 },
    { room: 'rep', message: sent.message, reporter: ann.ack.self, count: 2 },
  ]);
  assert.deepEqual(memberSees, []);
  assert.deepEqual(scopedSees, []);
  const outsider = await connect(t, relay.url, { name: 'out' });
  failed(await request(outsider, 'report', { room: 'rep', seq: 1 }), 'not_joined');
});
