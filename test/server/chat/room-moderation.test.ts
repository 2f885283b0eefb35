import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import { REPORTS_PER_GUEST_ADDRESS, REPORTS_PER_MEMBER, type HandshakeAuth } from '../../../protocol/index.js';
import { buildApp } from '../../../server/app.js';
import { ADMIN } from '../../../server/chat/moderation.js';
import type { Config } from '../../../server/config.js';
import { client } from '../attack-helpers.js';
import { collect, connect, joined, msgId, next, request, sleep, startRelay, tempDir, type Client } from '../helpers.js';
import { freshPostgres, skipWithoutPostgres } from '../services.js';

/** Moderation v2 over Socket.IO: room settings, what they refuse, bans, address bans, reports, the audit log. */

const secret = 'test-secret-that-is-at-least-32-chars!';
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
const modToken = (rooms?: string[], sub = 'u-mod') => sign({ sub, name: 'Mia', role: 'moderator', ...(rooms ? { rooms } : {}) });
const memberToken = (sub = 'u-ann', name = 'Ann') => sign({ sub, name });

const DEFAULTS = { topic: '', slowModeSeconds: 0, membersOnly: false, paused: false, pinnedSeq: null, blockedWords: [] };

const send = (socket: Client, room: string, text: string, clientMsgId = msgId()) => request(socket, 'send', { room, text, clientMsgId });
const code = async (reply: Promise<any>) => (await reply).error?.code ?? 'ok';

/** Connected through a trusted proxy that says the client is at `address`. */
const from = (t: TestContext, url: string, address: string, auth: HandshakeAuth) => client(t, url, { auth, forwardedFor: address });

const stores: Record<string, { skip: string | false; databaseUrl?: (t: TestContext) => Promise<string> }> = {
  sqlite: { skip: false },
  postgres: { skip: skipWithoutPostgres, databaseUrl: freshPostgres },
};

for (const [kind, { skip, databaseUrl }] of Object.entries(stores)) {
  describe(`moderation v2 on ${kind}`, { skip }, () => {
    const relayFor = async (t: TestContext, overrides: Partial<Config> = {}) =>
      startRelay(t, { jwtSecret: secret, ...(databaseUrl ? { databaseUrl: await databaseUrl(t) } : {}), ...overrides });

    test('configure: moderators of the room only; unnamed settings keep their value; everyone gets room without the blocked words', async (t) => {
      const relay = await relayFor(t);
      const mod = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const guest = await joined(t, relay.url, 'lobby', { name: 'gus' });
      assert.deepEqual(mod.ack.settings, DEFAULTS, 'the join ack carries the settings');
      assert.equal(mod.ack.pinned, undefined);
      const sent = await send(guest.socket, 'lobby', 'pin me');

      assert.equal(await code(request(guest.socket, 'configure', { room: 'lobby', settings: { paused: true } })), 'forbidden');
      const elsewhere = await joined(t, relay.url, 'lobby', { token: await modToken(['other'], 'u-mod2') });
      assert.equal(await code(request(elsewhere.socket, 'configure', { room: 'lobby', settings: { paused: true } })), 'forbidden', 'outside their rooms');
      const member = await joined(t, relay.url, 'lobby', { token: await memberToken() });
      assert.equal(await code(request(member.socket, 'configure', { room: 'lobby', settings: {} })), 'forbidden');

      const told = next(guest.socket, 'room');
      const toMod = next(mod.socket, 'room');
      const ack = await request(mod.socket, 'configure', {
        room: 'lobby',
        settings: { topic: 'Be kind', pinnedSeq: sent.message.seq, blockedWords: [' spam ', 'spam', 'bad phrase'] },
      });
      const settings = { ...DEFAULTS, topic: 'Be kind', pinnedSeq: 1, blockedWords: ['spam', 'bad phrase'] };
      assert.deepEqual(ack, { ok: true, settings });
      const event = await told;
      assert.deepEqual(event, { room: 'lobby', settings: { ...settings, blockedWords: [] }, pinned: sent.message });
      assert.deepEqual(await toMod, event, 'the room event never lists the words, to moderators neither');
      assert.equal(Object.keys(event).length, 3);

      const again = await request(mod.socket, 'configure', { room: 'lobby', settings: { slowModeSeconds: 5 } });
      assert.deepEqual(again.settings, { ...settings, slowModeSeconds: 5 }, 'unnamed settings keep their value');
      assert.deepEqual((await request(mod.socket, 'configure', { room: 'lobby', settings: { pinnedSeq: null } })).settings.pinnedSeq, null);
      assert.equal(await code(request(mod.socket, 'configure', { room: 'lobby', settings: { pinnedSeq: 99 } })), 'not_found');
      assert.equal(await code(request(mod.socket, 'configure', { room: 'empty', settings: { pinnedSeq: 1 } })), 'not_found', 'a message of that room');
      await request(mod.socket, 'configure', { room: 'lobby', settings: { pinnedSeq: 1 } });

      // Joining: settings for everyone, the words for moderators only, the pinned message.
      const late = await joined(t, relay.url, 'lobby', { name: 'late' });
      assert.deepEqual(late.ack.settings, { ...settings, slowModeSeconds: 5, blockedWords: [] });
      assert.deepEqual(late.ack.pinned, sent.message);
      const modAgain = await request(mod.socket, 'join', { room: 'lobby' });
      assert.deepEqual(modAgain.settings.blockedWords, ['spam', 'bad phrase']);
      const modElsewhere = await request(elsewhere.socket, 'join', { room: 'lobby' });
      assert.deepEqual(modElsewhere.settings.blockedWords, [], 'a moderator of other rooms does not see them');

      // Settings hold across a restart.
      await relay.close();
      const restarted = await startRelay(t, { ...relay.config }, relay.dir);
      const after = await joined(t, restarted.url, 'lobby', { token: await modToken() });
      assert.deepEqual(after.ack.settings, { ...settings, slowModeSeconds: 5 });
    });

    test('configure validates as PROTOCOL.md says (invalid_payload)', async (t) => {
      const relay = await relayFor(t);
      const mod = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const bad = [
        { topic: 'x'.repeat(201) },
        { slowModeSeconds: 3601 },
        { slowModeSeconds: -1 },
        { slowModeSeconds: 1.5 },
        { blockedWords: Array.from({ length: 501 }, (_, i) => `w${i}`) },
        { blockedWords: ['x'.repeat(65)] },
        { blockedWords: ['   '] },
        { paused: 'yes' },
        { pinnedSeq: 0 },
        { colour: 'red' },
      ];
      for (const settings of bad) {
        assert.equal(await code(request(mod.socket, 'configure', { room: 'lobby', settings })), 'invalid_payload', JSON.stringify(settings).slice(0, 60));
      }
      const ok = { topic: '😀'.repeat(200), slowModeSeconds: 3600, blockedWords: Array.from({ length: 500 }, (_, i) => `w${i}`) };
      assert.equal(await code(request(mod.socket, 'configure', { room: 'lobby', settings: ok })), 'ok', 'the limits themselves are fine');
    });

    test('sends are refused in order: paused, members_only, slow_mode, blocked, then the v1 rules', async (t) => {
      const relay = await relayFor(t);
      const mod = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const guest = await joined(t, relay.url, 'lobby', { name: 'gus' });
      const member = await joined(t, relay.url, 'lobby', { token: await memberToken() });
      const configure = (settings: object) => request(mod.socket, 'configure', { room: 'lobby', settings });
      await configure({ paused: true, membersOnly: true, slowModeSeconds: 60, blockedWords: ['spam'] });

      assert.equal(await code(send(guest.socket, 'lobby', 'spam')), 'paused');
      assert.equal(await code(send(member.socket, 'lobby', '')), 'paused', 'before the v1 rules');
      assert.equal(await code(send(mod.socket, 'lobby', 'moderators may speak')), 'ok');

      await configure({ paused: false });
      assert.equal(await code(send(guest.socket, 'lobby', 'spam')), 'members_only');
      assert.equal(await code(send(member.socket, 'lobby', 'first')), 'ok');
      const slow = await send(member.socket, 'lobby', 'second');
      assert.equal(slow.error.code, 'slow_mode');
      assert.ok(slow.error.retryAfterMs > 55_000 && slow.error.retryAfterMs <= 60_000, String(slow.error.retryAfterMs));
      assert.equal(await code(send(mod.socket, 'lobby', 'moderators are exempt')), 'ok');
      assert.equal(await code(send(mod.socket, 'lobby', 'twice')), 'ok');

      await configure({ membersOnly: false });
      assert.equal(await code(send(guest.socket, 'lobby', 'S P A M')), 'blocked', 'slow mode let the first through; the word did not');
      const refused = await send(guest.socket, 'lobby', 'buy 5p@m now');
      assert.equal(refused.error.code, 'blocked');
      assert.doesNotMatch(refused.error.message, /spam/i, 'the error names no word');
      assert.equal(await code(send(mod.socket, 'lobby', 'spam')), 'blocked', 'moderators too');
      const fine = await send(guest.socket, 'lobby', 'a classic message');
      assert.equal(fine.ok, true);
      assert.equal(await code(send(guest.socket, 'lobby', 'x'.repeat(3000))), 'slow_mode', 'before too_long');
      assert.deepEqual(await send(guest.socket, 'lobby', 'a classic message', fine.message.clientMsgId), fine, 'a retried send is answered, not refused');

      await configure({ slowModeSeconds: 0 });
      assert.equal(await code(send(guest.socket, 'lobby', 'x'.repeat(3000))), 'too_long', 'then the v1 rules');
      assert.equal(await code(send(guest.socket, 'lobby', 'no more slow mode')), 'ok');
    });

    test('slow mode is per member per room, and lets a member send again after retryAfterMs', async (t) => {
      const relay = await relayFor(t, { trustProxy: ['loopback'] });
      const mod = await joined(t, relay.url, 'lobby', { token: await modToken() });
      await request(mod.socket, 'configure', { room: 'lobby', settings: { slowModeSeconds: 1 } });
      // Guests from two networks (guests of one network share its turn: write-limits.test.ts).
      const alice = { socket: await from(t, relay.url, '198.51.100.1', { name: 'alice' }) };
      const bob = { socket: await from(t, relay.url, '198.51.100.2', { name: 'bob' }) };
      for (const { socket } of [alice, bob]) await request(socket, 'join', { room: 'lobby' });
      await request(alice.socket, 'join', { room: 'other' });
      assert.equal(await code(send(alice.socket, 'lobby', 'one')), 'ok');
      assert.equal(await code(send(bob.socket, 'lobby', 'one')), 'ok', 'per member');
      assert.equal(await code(send(alice.socket, 'other', 'one')), 'ok', 'per room');
      const refused = await send(alice.socket, 'lobby', 'two');
      assert.equal(refused.error.code, 'slow_mode');
      await sleep(refused.error.retryAfterMs + 20);
      assert.equal(await code(send(alice.socket, 'lobby', 'two')), 'ok');
    });

    test('bans: reason, the ban list, unban; moderators cannot be banned nor ban outside their rooms', async (t) => {
      const relay = await relayFor(t);
      const mod = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const scoped = await joined(t, relay.url, 'lobby', { token: await modToken(['other'], 'u-scoped') });
      const troll = await joined(t, relay.url, 'lobby', { name: 'troll', clientId: 'troll-browser' });
      const guest = await joined(t, relay.url, 'lobby', { name: 'gus' });
      const trollId = troll.ack.self.id;

      assert.equal(await code(request(scoped.socket, 'ban', { room: 'lobby', memberId: trollId, minutes: 5 })), 'forbidden', 'outside their rooms');
      assert.equal(await code(request(mod.socket, 'ban', { room: 'lobby', memberId: 'u-scoped', minutes: 5 })), 'forbidden', 'a moderator');
      assert.equal(await code(request(guest.socket, 'bans', { room: 'lobby' })), 'forbidden');
      assert.equal(await code(request(scoped.socket, 'bans', { room: 'lobby' })), 'forbidden');
      assert.equal(await code(request(guest.socket, 'unban', { room: 'lobby', memberId: trollId })), 'forbidden');
      assert.equal(await code(request(mod.socket, 'unban', { room: 'lobby', memberId: trollId })), 'not_found', 'not banned');
      for (const bad of [{ minutes: 0 }, { minutes: 525_601 }, { minutes: 5, reason: 'x'.repeat(201) }, { minutes: 5, reason: 3 }]) {
        assert.equal(await code(request(mod.socket, 'ban', { room: 'lobby', memberId: trollId, ...bad })), 'invalid_payload', JSON.stringify(bad).slice(0, 40));
      }

      const banned = next(troll.socket, 'banned');
      assert.deepEqual(await request(mod.socket, 'ban', { room: 'lobby', memberId: trollId, minutes: 10, reason: 'spamming' }), { ok: true });
      const event = await banned;
      assert.deepEqual(Object.keys(event).sort(), ['reason', 'room', 'until']);
      assert.equal(event.reason, 'spamming');
      assert.ok(Math.abs(event.until - (Date.now() + 10 * 60_000)) < 5000);

      const list = await request(mod.socket, 'bans', { room: 'lobby' });
      assert.equal(list.ok, true);
      assert.equal(list.bans.length, 1);
      const [ban] = list.bans;
      assert.deepEqual(ban.member, troll.ack.self);
      assert.deepEqual(ban.by, mod.ack.self);
      assert.equal(ban.until, event.until);
      assert.equal(ban.reason, 'spamming');
      assert.ok(Math.abs(ban.ts - Date.now()) < 5000);
      assert.deepEqual((await request(scoped.socket, 'bans', { room: 'other' })).bans, [], 'a scoped moderator lists their rooms');

      assert.equal(await code(request(troll.socket, 'join', { room: 'lobby' })), 'banned');
      assert.deepEqual(await request(mod.socket, 'unban', { room: 'lobby', memberId: trollId }), { ok: true });
      assert.deepEqual((await request(mod.socket, 'bans', { room: 'lobby' })).bans, []);
      assert.equal(await code(request(troll.socket, 'join', { room: 'lobby' })), 'ok', 'back after unban');

      // A member who left can still be banned by id (the relay remembers them).
      const leaver = await joined(t, relay.url, 'lobby', { name: 'leaver' });
      leaver.socket.disconnect();
      await sleep(100);
      assert.deepEqual(await request(mod.socket, 'ban', { room: 'lobby', memberId: leaver.ack.self.id, minutes: 1 }), { ok: true });
      assert.deepEqual((await request(mod.socket, 'bans', { room: 'lobby' })).bans[0].member, leaver.ack.self);
    });

    test('a ban refuses guests from the banned member\'s address (IPv4, IPv6 /64), never verified members', async (t) => {
      const relay = await relayFor(t, { trustProxy: ['loopback'] });
      const mod = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const join = async (socket: Client) => code(request(socket, 'join', { room: 'lobby' }));

      const troll = await from(t, relay.url, '203.0.113.9', { name: 'troll', clientId: 'troll-browser' });
      assert.equal(await join(troll), 'ok');
      const sameAddressGuest = await from(t, relay.url, '203.0.113.9', { name: 'sister', clientId: 'sister-browser' });
      assert.equal(await join(sameAddressGuest), 'ok');
      const sameAddressMember = await from(t, relay.url, '203.0.113.9', { token: await memberToken() });
      assert.equal(await join(sameAddressMember), 'ok');
      const sisterBanned = next(sameAddressGuest, 'banned');
      const trollId = (await request(troll, 'join', { room: 'lobby' })).self.id;
      await request(mod.socket, 'ban', { room: 'lobby', memberId: trollId, minutes: 5 });
      assert.equal((await sisterBanned).room, 'lobby', 'a guest from the address in the room is told and taken out');
      assert.equal(await code(send(sameAddressGuest, 'lobby', 'still here?')), 'not_joined');
      assert.equal(await code(send(sameAddressMember, 'lobby', 'verified members stay')), 'ok');

      for (const auth of [{ name: 'troll2', clientId: 'another-browser' }, { name: 'troll' }, {}]) {
        const again = await from(t, relay.url, '203.0.113.9', auth);
        const refused = await request(again, 'join', { room: 'lobby' });
        assert.equal(refused.error?.code, 'banned', JSON.stringify(auth));
        assert.ok(refused.error.retryAfterMs > 4 * 60_000);
        assert.equal(await code(request(again, 'join', { room: 'elsewhere' })), 'ok', 'in that room only');
      }
      assert.equal(await join(await from(t, relay.url, '203.0.113.10', { name: 'neighbour' })), 'ok', 'another address');
      assert.equal(await join(await from(t, relay.url, '203.0.113.9', { token: await memberToken('u-bob', 'Bob') })), 'ok', 'a verified member');

      // A banned verified member does not come back as a guest either; IPv6 by /64.
      const verified = await from(t, relay.url, '2001:db8:1:2::7', { token: await memberToken('u-eve', 'Eve') });
      assert.equal(await join(verified), 'ok');
      await request(mod.socket, 'ban', { room: 'lobby', memberId: 'u-eve', minutes: 5 });
      assert.equal(await join(await from(t, relay.url, '2001:db8:1:2::99', { name: 'not-eve' })), 'banned', 'same /64');
      assert.equal(await join(await from(t, relay.url, '2001:db8:1:3::7', { name: 'elsewhere' })), 'ok', 'another /64');

      // Unban lifts the address ban too.
      await request(mod.socket, 'unban', { room: 'lobby', memberId: trollId });
      assert.equal(await join(await from(t, relay.url, '203.0.113.9', { name: 'troll3' })), 'ok');
    });

    test('report: once per member per message; the room\'s moderators online get report with the count', async (t) => {
      const relay = await relayFor(t);
      const mod = await connect(t, relay.url, { token: await modToken() }); // online, in no room
      const scoped = await joined(t, relay.url, 'lobby', { token: await modToken(['lobby'], 'u-scoped') });
      const otherMod = await joined(t, relay.url, 'lobby', { token: await modToken(['other'], 'u-other') });
      const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
      const bob = await joined(t, relay.url, 'lobby', { name: 'bob' });
      const toMod = collect(mod, 'report');
      const toScoped = collect(scoped.socket, 'report');
      const toOther = collect(otherMod.socket, 'report');
      const toBob = collect(bob.socket, 'report');
      const sent = await send(bob.socket, 'lobby', 'rude words');

      assert.deepEqual(await request(alice.socket, 'report', { room: 'lobby', seq: sent.message.seq, reason: 'rude' }), { ok: true });
      assert.deepEqual(await request(alice.socket, 'report', { room: 'lobby', seq: sent.message.seq }), { ok: true }, 'again is ok');
      assert.deepEqual(await request(bob.socket, 'report', { room: 'lobby', seq: sent.message.seq }), { ok: true });
      await sleep(200);
      const first = { room: 'lobby', message: sent.message, reporter: alice.ack.self, reason: 'rude', count: 1 };
      const second = { room: 'lobby', message: sent.message, reporter: bob.ack.self, count: 2 };
      assert.deepEqual(toMod, [first, second], 'counted once per member');
      assert.deepEqual(toScoped, [first, second]);
      assert.deepEqual(toOther, [], 'not to moderators of other rooms');
      assert.deepEqual(toBob, []);

      const outsider = await connect(t, relay.url, { name: 'carol' });
      assert.equal(await code(request(outsider, 'report', { room: 'lobby', seq: 1 })), 'not_joined');
      assert.equal(await code(request(alice.socket, 'report', { room: 'lobby', seq: 99 })), 'not_found');
      assert.equal(await code(request(alice.socket, 'report', { room: 'lobby', seq: 1, reason: 'x'.repeat(201) })), 'invalid_payload');

      // The admin API's core functions: list (by room and status), resolve.
      const { moderation } = relay.app.chat;
      const [report] = (await moderation.reports({ room: 'lobby', status: 'open' }, { limit: 10 })).reports;
      assert.equal(report!.count, 2);
      assert.deepEqual(report!.reporters, [alice.ack.self, bob.ack.self]);
      assert.deepEqual(report!.reasons, ['rude']);
      assert.deepEqual(report!.message, sent.message);
      assert.equal((await moderation.resolveReport(ADMIN, report!.id)).status, 'resolved');
      assert.deepEqual((await moderation.reports({ status: 'open' }, { limit: 10 })).reports, []);
      await assert.rejects(moderation.resolveReport(ADMIN, 'no-such-report'), { message: 'no report no-such-report' });
    });

    test('report floods: REPORTS_PER_MEMBER per member, REPORTS_PER_GUEST_ADDRESS per guest address whatever ids churn; rate_limited with retryAfterMs', async (t) => {
      const relay = await relayFor(t, { trustProxy: ['loopback'], rateLimit: { points: 1000, windowMs: 10_000 }, guestRateLimit: { points: 3000, windowMs: 10_000 } });
      const perMember = REPORTS_PER_MEMBER.points;
      const perAddress = REPORTS_PER_GUEST_ADDRESS.points;
      const mod = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const seqs: number[] = [];
      for (let i = 0; i < perAddress + 10; i++) seqs.push((await send(mod.socket, 'lobby', `message ${i}`)).message.seq);
      // One after another on each connection (the relay refuses too many requests in flight on one).
      const reportAll = async (socket: Client, from: number, to: number) => {
        const acks = [];
        for (const seq of seqs.slice(from, to)) acks.push(await request(socket, 'report', { room: 'lobby', seq }));
        return acks;
      };
      const refusals = (acks: any[]) => acks.filter((a) => !a.ok);
      const assertRefused = (acks: any[]) => {
        for (const ack of acks) {
          assert.equal(ack.error.code, 'rate_limited', JSON.stringify(ack));
          assert.ok(ack.error.retryAfterMs > 0 && ack.error.retryAfterMs <= REPORTS_PER_MEMBER.windowMs, JSON.stringify(ack));
        }
      };

      // One guest (12 tabs are one member): the first perMember reports, then rate_limited.
      const tabs = await Promise.all(Array.from({ length: 4 }, () => from(t, relay.url, '203.0.113.66', { name: 'flood', clientId: 'flooding-tabs' })));
      for (const tab of tabs) await request(tab, 'join', { room: 'lobby' });
      const first = (await Promise.all(tabs.map((tab, i) => reportAll(tab, i * 8, i * 8 + 8)))).flat();
      assert.equal(first.filter((a) => a.ok).length, perMember, 'one member: REPORTS_PER_MEMBER');
      assertRefused(refusals(first));

      // New guest ids from the same address: the address's allowance, not one per id.
      let accepted = perMember;
      for (let i = 0; i < 5; i++) {
        const guest = await from(t, relay.url, '203.0.113.66', { name: `churn${i}`, clientId: `churned-id-${i}` });
        await request(guest, 'join', { room: 'lobby' });
        const acks = await reportAll(guest, 0, seqs.length);
        accepted += acks.filter((a) => a.ok).length;
        assertRefused(refusals(acks));
      }
      assert.equal(accepted, perAddress, 'one address: REPORTS_PER_GUEST_ADDRESS in all');
      // An IPv4-mapped form of the same address is the same network.
      const mapped = await from(t, relay.url, '::ffff:203.0.113.66', { name: 'mapped' });
      await request(mapped, 'join', { room: 'lobby' });
      assertRefused(await reportAll(mapped, 0, 1));

      // Another network's guest, and a verified member behind the flooding address, still report.
      const neighbour = await from(t, relay.url, '198.51.100.7', { name: 'neighbour' });
      await request(neighbour, 'join', { room: 'lobby' });
      assert.deepEqual(await request(neighbour, 'report', { room: 'lobby', seq: seqs[0] }), { ok: true });
      const member = await from(t, relay.url, '203.0.113.66', { token: await memberToken() });
      await request(member, 'join', { room: 'lobby' });
      assert.deepEqual(await request(member, 'report', { room: 'lobby', seq: seqs[1] }), { ok: true });
      // … up to their own allowance.
      const own = await reportAll(member, 2, perMember + 5);
      assert.equal(own.filter((a) => a.ok).length, perMember - 1);
      assertRefused(refusals(own));

      // Nothing refused was counted.
      const { reports } = await relay.app.chat.moderation.reports({ status: 'open' }, { limit: 500 });
      assert.equal(reports.reduce((sum, r) => sum + r.count, 0), perAddress + 1 + perMember);
    });

    test('audit: every moderator and admin action, newest first, paged', async (t) => {
      const relay = await relayFor(t);
      const mod = await joined(t, relay.url, 'lobby', { token: await modToken() });
      const guest = await joined(t, relay.url, 'lobby', { name: 'gus' });
      const sent = await send(guest.socket, 'lobby', 'hello');
      const own = await send(mod.socket, 'lobby', 'mine');
      await request(mod.socket, 'delete', { room: 'lobby', seq: own.message.seq }); // their own message: no moderation
      await request(mod.socket, 'delete', { room: 'lobby', seq: sent.message.seq });
      await request(mod.socket, 'configure', { room: 'lobby', settings: { paused: true, topic: 'Quiet', blockedWords: ['secret'] } });
      await request(mod.socket, 'ban', { room: 'lobby', memberId: guest.ack.self.id, minutes: 5, reason: 'rude' });
      await request(mod.socket, 'unban', { room: 'lobby', memberId: guest.ack.self.id });
      const report = await relay.app.store.report({ room: 'lobby', seq: 1, reporter: guest.ack.self, ts: Date.now() });
      await relay.app.chat.moderation.resolveReport(ADMIN, report.report.id);

      const { moderation } = relay.app.chat;
      const { entries, hasMore } = await moderation.auditLog('lobby', undefined, 50);
      assert.equal(hasMore, false);
      assert.deepEqual(
        entries.map(({ action, actor, memberId, seq, detail }) => ({ action, actor: actor.id, memberId, seq, detail })),
        [
          { action: 'resolve_report', actor: 'admin', memberId: undefined, seq: 1, detail: report.report.id },
          { action: 'unban', actor: 'u-mod', memberId: guest.ack.self.id, seq: undefined, detail: undefined },
          { action: 'ban', actor: 'u-mod', memberId: guest.ack.self.id, seq: undefined, detail: '5 min: rude' },
          { action: 'configure', actor: 'u-mod', memberId: undefined, seq: undefined, detail: 'topic="Quiet", paused=true, blockedWords=1 entries' },
          { action: 'delete', actor: 'u-mod', memberId: guest.ack.self.id, seq: 1, detail: undefined },
        ],
      );
      assert.ok(entries.every((e, i) => i === 0 || e.id < entries[i - 1]!.id));
      assert.ok(entries.every((e) => Math.abs(e.ts - Date.now()) < 10_000));
      const page = await moderation.auditLog('lobby', entries[1]!.id, 2);
      assert.deepEqual(page.entries.map((e) => e.action), ['ban', 'configure']);
      assert.equal(page.hasMore, true);
      assert.deepEqual((await moderation.auditLog('elsewhere', undefined, 10)).entries, []);
    });
  });
}

test('BLOCKED_WORDS_FILE blocks its words in every room; a missing file stops the relay with one line naming it', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'blocked.txt');
  writeFileSync(file, 'forbidden phrase\nspam\n');
  const relay = await startRelay(t, { blockedWordsFile: file });
  const alice = await joined(t, relay.url, 'anywhere', { name: 'alice' });
  assert.equal(await code(send(alice.socket, 'anywhere', 'a FORBIDDEN   phrase')), 'blocked');
  assert.equal(await code(send(alice.socket, 'anywhere', 's.p.a.m')), 'blocked');
  assert.equal(await code(send(alice.socket, 'anywhere', 'forbidden, but not the phrase')), 'ok');

  const config = { ...relay.config, blockedWordsFile: join(dir, 'missing.txt') };
  await assert.rejects(buildApp(config, { logger: false }), (error: Error) => {
    assert.equal(error.name, 'ConfigError');
    assert.match(error.message, /^BLOCKED_WORDS_FILE: cannot read .*missing\.txt: ENOENT$/);
    return true;
  });
});
