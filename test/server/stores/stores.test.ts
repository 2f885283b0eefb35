import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Member } from '../../../protocol/index.js';
import { buildApp } from '../../../server/app.js';
import { loadConfig } from '../../../server/config.js';
import { demoDir, widgetDir } from '../../../server/paths.js';
import { openStore, StorageError, type Store } from '../../../server/stores/index.js';
import { MIGRATIONS } from '../../../server/stores/sqlite.js';
import type { QueuedWebhook } from '../../../server/stores/store.js';
import { tempDir } from '../helpers.js';
import { freshPostgres, skipWithoutPostgres } from '../services.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

/**
 * The store contract: every implementation (SQLite on a file, SQLite in
 * memory, and PostgreSQL when it comes) must pass the same suite.
 */
const implementations: Record<string, { url: (t: TestContext) => string | Promise<string>; skip: string | false }> = {
  'sqlite file': { url: (t) => `sqlite:${join(tempDir(t), 'nested', 'dir', 'chat.db')}`, skip: false },
  'sqlite memory': { url: () => 'sqlite::memory:', skip: false },
  postgres: { url: freshPostgres, skip: skipWithoutPostgres },
};

const alice: Member = { id: 'guest:alice', name: 'alice', verified: false };
const bob: Member = { id: 'guest:bob', name: 'bob', verified: false };
const mod: Member = { id: 'u-mod', name: 'Mia', verified: true, role: 'moderator' };

for (const [kind, { url, skip }] of Object.entries(implementations)) {
  describe(`store contract: ${kind}`, { skip }, () => {
    async function open(t: TestContext): Promise<Store> {
      const store = await openStore(await url(t));
      t.after(() => store.close());
      return store;
    }
    const put = (store: Store, room: string, text: string, author = alice, clientMsgId = `id-${text}-${room}`) =>
      store.append({ room, text, author, clientMsgId, ts: 1_700_000_000_000 });

    test('assigns seq 1, 2, 3 … per room, independently', async (t) => {
      const store = await open(t);
      const seqs = [];
      for (const [room, text] of [['a', 'one'], ['b', 'uno'], ['a', 'two'], ['a', 'three'], ['b', 'dos']]) {
        seqs.push((await put(store, room!, text!)).message.seq);
      }
      assert.deepEqual(seqs, [1, 1, 2, 3, 2]);
      assert.equal(await store.lastSeq('a'), 3);
      assert.equal(await store.lastSeq('b'), 2);
      assert.equal(await store.lastSeq('empty'), 0);
    });

    test('removeOlderThan removes the oldest messages in batches, with their reactions; seqs are never given again', async (t) => {
      const store = await open(t);
      const day = 86_400_000;
      const now = Date.now();
      for (let i = 1; i <= 7; i++) {
        await store.append({ room: 'old', text: `m${i}`, author: alice, clientMsgId: `old-${i}`, ts: now - (10 - i) * day });
      }
      await store.react('old', 2, bob.id, '👍', true);
      await store.append({ room: 'new', text: 'fresh', author: bob, clientMsgId: 'new-1', ts: now });
      // Older than 5 days: m1…m4 (9…6 days old), in batches of 3.
      const cutoff = now - 5 * day - 1000;
      assert.equal(await store.removeOlderThan(cutoff, 3), 3);
      assert.equal(await store.removeOlderThan(cutoff, 3), 1);
      assert.equal(await store.removeOlderThan(cutoff, 3), 0);
      assert.deepEqual((await store.latest('old', 50)).map((m) => m.text), ['m5', 'm6', 'm7']);
      assert.deepEqual((await store.latest('new', 50)).map((m) => m.text), ['fresh']);
      assert.deepEqual(await store.reactionsBy('old', bob.id, [2]), [], 'its reactions went with it');
      assert.equal(await store.lastSeq('old'), 7);
      const next = await store.append({ room: 'old', text: 'after', author: alice, clientMsgId: 'old-8', ts: now });
      assert.equal(next.message.seq, 8, 'the room goes on from its last seq');
      assert.equal((await store.rooms({ limit: 10, contains: 'old' }))[0]!.messages, 4, 'the room list counts what is left');
      // Even a room emptied by retention never gives a seq twice.
      await store.append({ room: 'gone', text: 'x', author: alice, clientMsgId: 'gone-1', ts: now - 30 * day });
      assert.equal(await store.removeOlderThan(cutoff, 10), 1);
      assert.equal((await store.append({ room: 'gone', text: 'y', author: alice, clientMsgId: 'gone-2', ts: now })).message.seq, 2);
    });

    test('lists rooms by last activity, with their messages not deleted and last seq; limited, filtered by name', async (t) => {
      const store = await open(t);
      assert.deepEqual(await store.rooms({ limit: 10 }), []);
      const at = (room: string, text: string, ts: number) => store.append({ room, text, author: alice, clientMsgId: `id-${text}-${room}`, ts });
      await at('Lobby', 'one', 1000);
      await at('support', 'two', 2000);
      await at('Lobby', 'three', 3000);
      await at('quiet', 'four', 500);
      await store.markDeleted('Lobby', 1);
      await store.markDeleted('Lobby', 1); // once only
      // A retried append counts nothing.
      await at('support', 'two', 9000);
      assert.deepEqual(await store.rooms({ limit: 10 }), [
        { room: 'Lobby', messages: 1, lastSeq: 2, lastMessageAt: 3000 },
        { room: 'support', messages: 1, lastSeq: 1, lastMessageAt: 2000 },
        { room: 'quiet', messages: 1, lastSeq: 1, lastMessageAt: 500 },
      ]);
      assert.deepEqual((await store.rooms({ limit: 2 })).map((r) => r.room), ['Lobby', 'support']);
      assert.deepEqual((await store.rooms({ limit: 10, contains: 'LOB' })).map((r) => r.room), ['Lobby']);
      assert.deepEqual((await store.rooms({ limit: 10, contains: '%' })).map((r) => r.room), [], 'no pattern characters');
    });

    test('returns the original for a repeated clientMsgId of the same author and room', async (t) => {
      const store = await open(t);
      const first = await put(store, 'r', 'hello', alice, 'retry-1234');
      const again = await store.append({ room: 'r', text: 'changed', author: alice, clientMsgId: 'retry-1234', ts: 1 });
      assert.equal(first.duplicate, false);
      assert.equal(again.duplicate, true);
      assert.deepEqual(again.message, first.message);
      // The same clientMsgId from someone else, or in another room, is a new message.
      assert.equal((await put(store, 'r', 'hello', bob, 'retry-1234')).duplicate, false);
      assert.equal((await put(store, 'other', 'hello', alice, 'retry-1234')).duplicate, false);
      assert.equal(await store.lastSeq('r'), 2);
      assert.deepEqual(await store.find('r', alice.id, 'retry-1234'), first.message);
      assert.equal(await store.find('r', alice.id, 'never-sent'), undefined);
    });

    test('keeps every field of a message', async (t) => {
      const store = await open(t);
      const verified: Member = { id: 'u1', name: 'Zoë', avatar: 'https://x.test/a.png', verified: true, role: 'moderator' };
      const { message } = await store.append({ room: 'r', text: '<b>hi</b> 👋', author: verified, clientMsgId: 'abcdefgh', ts: 42 });
      assert.match(message.id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(await store.latest('r', 10), [
        { id: message.id, room: 'r', seq: 1, text: '<b>hi</b> 👋', author: verified, ts: 42, clientMsgId: 'abcdefgh', rev: 1 },
      ]);
    });

    test('pages: latest, after (with truncated) and before (with hasMore), all ascending', async (t) => {
      const store = await open(t);
      for (let i = 1; i <= 10; i++) await put(store, 'r', `m${i}`);
      const seqs = (ms: { seq: number }[]) => ms.map((m) => m.seq);
      assert.deepEqual(seqs(await store.latest('r', 3)), [8, 9, 10]);
      assert.deepEqual(seqs(await store.latest('r', 50)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

      const after = await store.after('r', 4, 3);
      assert.deepEqual(seqs(after.messages), [5, 6, 7]);
      assert.equal(after.truncated, true);
      const rest = await store.after('r', 7, 3);
      assert.deepEqual(seqs(rest.messages), [8, 9, 10]);
      assert.equal(rest.truncated, false);
      assert.deepEqual((await store.after('r', 10, 5)).messages, []);

      const before = await store.before('r', 6, 3);
      assert.deepEqual(seqs(before.messages), [3, 4, 5]);
      assert.equal(before.hasMore, true);
      const oldest = await store.before('r', 3, 5);
      assert.deepEqual(seqs(oldest.messages), [1, 2]);
      assert.equal(oldest.hasMore, false);
    });

    test('blanks deleted messages, which keep their seq', async (t) => {
      const store = await open(t);
      await put(store, 'r', 'one');
      await put(store, 'r', 'two');
      const blanked = await store.markDeleted('r', 1);
      assert.equal(await store.markDeleted('r', 9), undefined);
      assert.equal(await store.markDeleted('r', 1), undefined, 'deleted once');
      const [first, second] = await store.latest('r', 10);
      assert.deepEqual(first, blanked);
      assert.equal(first!.text, '');
      assert.equal(first!.deleted, true);
      assert.equal(first!.seq, 1);
      assert.equal(second!.deleted, undefined);
      assert.deepEqual(await store.get('r', 1), first);
      assert.equal(await store.get('r', 3), undefined);
    });

    const banOf = (until: number, reason?: string) => ({ member: { ...alice, id: 'guest:x' }, until, by: mod, ts: 500, ...(reason ? { reason } : {}) });

    test('keeps bans until they end', async (t) => {
      const store = await open(t);
      await store.ban('r', banOf(5000), []);
      assert.equal((await store.banOf('r', 'guest:x', undefined, 1000))?.until, 5000);
      assert.equal(await store.banOf('r', 'guest:x', undefined, 5000), undefined, 'over');
      assert.equal(await store.banOf('other', 'guest:x', undefined, 1000), undefined, 'per room');
      await store.ban('r', banOf(9000), []);
      assert.equal((await store.banOf('r', 'guest:x', undefined, 1000))?.until, 9000, 'a new ban replaces the old');
    });

    test('bans carry who, why and when; address bans end with them; unban lifts both', async (t) => {
      const store = await open(t);
      await store.ban('r', banOf(9000, 'spam'), ['203.0.113.7', '2001:db8:0:0::/64']);
      assert.deepEqual(await store.bans('r', 1000), [banOf(9000, 'spam')]);
      assert.deepEqual(await store.bans('r', 9000), [], 'over');
      assert.equal((await store.banOf('r', 'guest:y', '203.0.113.7', 1000))?.until, 9000);
      assert.equal((await store.banOf('r', 'guest:y', '2001:db8:0:0::/64', 1000))?.until, 9000);
      assert.equal(await store.banOf('other', 'guest:y', '203.0.113.7', 1000), undefined, 'per room');
      assert.equal(await store.banOf('r', 'guest:y', '203.0.113.7', 9000), undefined, 'over');
      assert.equal(await store.unban('r', 'guest:x', 1000), true);
      assert.equal(await store.unban('r', 'guest:x', 1000), false, 'nothing left to lift');
      assert.equal(await store.banOf('r', 'guest:x', undefined, 1000), undefined);
      assert.equal(await store.banOf('r', 'guest:y', '203.0.113.7', 1000), undefined);
    });

    test('remembers who was seen in a room, and from where', async (t) => {
      const store = await open(t);
      assert.equal(await store.lastSeen('r', alice.id), undefined);
      await store.seen('r', alice, '203.0.113.7', 1);
      await store.seen('r', { ...alice, name: 'alice2' }, undefined, 2);
      assert.deepEqual(await store.lastSeen('r', alice.id), { member: { ...alice, name: 'alice2' }, address: '203.0.113.7' });
    });

    test('remembers verified names by key with their latest join, and answers whether one joined since a time', async (t) => {
      const store = await open(t);
      assert.equal(await store.verifiedNameSince(['1:rnia', '2:mia'], 0), false);
      await store.rememberVerifiedName(['1:rnia', '2:mia'], 1_000);
      await store.rememberVerifiedName(['1:rnia'], 500); // an older join never moves it back
      assert.equal(await store.verifiedNameSince(['1:rnia'], 1_000), true);
      assert.equal(await store.verifiedNameSince(['x', '2:mia'], 1_000), true, 'any of the keys');
      assert.equal(await store.verifiedNameSince(['1:rnia', '2:mia'], 1_001), false, 'too long ago');
      assert.equal(await store.verifiedNameSince(['1:ana'], 0), false);
      assert.equal(await store.verifiedNameSince([], 0), false);
      await store.rememberVerifiedName(['1:rnia'], 2_000);
      assert.equal(await store.verifiedNameSince(['1:rnia'], 1_500), true);
    });

    test('stores room settings with a growing version', async (t) => {
      const store = await open(t);
      assert.equal(await store.settings('r'), undefined);
      const settings = { topic: 'hi', slowModeSeconds: 5, membersOnly: false, paused: true, pinnedSeq: null, blockedWords: ['x'] };
      await store.saveSettings('r', settings);
      const first = await store.settings('r');
      assert.deepEqual(first?.settings, settings);
      await store.saveSettings('r', { ...settings, pinnedSeq: 3 });
      const second = await store.settings('r');
      assert.equal(second?.settings.pinnedSeq, 3);
      assert.ok(second!.version > first!.version);
    });

    test('counts a report once per member, reopens a resolved one, lists by room and status', async (t) => {
      const store = await open(t);
      const list = async (filter: { room?: string; status?: 'open' | 'resolved' }) => (await store.reports(filter, { limit: 100 }))!.reports;
      const first = await store.report({ room: 'r', seq: 1, reporter: alice, reason: 'rude', ts: 10 });
      assert.equal(first.added, true);
      assert.equal((await store.report({ room: 'r', seq: 1, reporter: alice, ts: 11 })).added, false, 'again: counted once');
      const second = await store.report({ room: 'r', seq: 1, reporter: bob, ts: 12 });
      assert.deepEqual(second.report, { id: first.report.id, room: 'r', seq: 1, reporters: [alice, bob], reasons: ['rude'], count: 2, status: 'open', ts: 10 });
      await store.report({ room: 'other', seq: 4, reporter: bob, ts: 20 });
      assert.deepEqual((await list({})).map((r) => r.room), ['other', 'r'], 'newest first');
      assert.deepEqual((await list({ room: 'r' })).map((r) => r.seq), [1]);
      const dismissed = { by: mod, how: 'dismissed' as const, ts: 25 };
      const [resolved] = await store.resolveReports({ id: first.report.id }, dismissed);
      assert.deepEqual(resolved, { report: { ...second.report, status: 'resolved', resolved: dismissed }, changed: true });
      assert.deepEqual(
        await store.resolveReports({ id: first.report.id }, { ...dismissed, ts: 26 }),
        [{ report: { ...second.report, status: 'resolved', resolved: dismissed }, changed: false }],
        'resolved once: the first resolution stays',
      );
      assert.deepEqual(await store.resolveReports({ id: '00000000-0000-0000-0000-000000000000' }, dismissed), []);
      assert.deepEqual(await store.resolveReports({ id: 'not-a-uuid' }, dismissed), []);
      assert.deepEqual(await store.resolveReports({ room: 'r', seq: 99 }, dismissed), []);
      assert.deepEqual((await list({ status: 'open' })).map((r) => r.room), ['other']);
      assert.deepEqual((await list({ status: 'resolved' })).map((r) => r.room), ['r']);
      await store.report({ room: 'r', seq: 1, reporter: mod, ts: 30 });
      const reopened = (await list({ room: 'r' }))[0]!;
      assert.equal(reopened.status, 'open', 'a new reporter opens it again');
      assert.equal(reopened.resolved, undefined, 'and its resolution goes');
    });

    test("resolves a message's report, and the open reports of an author's messages in a room, telling which were open", async (t) => {
      const store = await open(t);
      await put(store, 'r', 'spam 1', alice);
      await put(store, 'r', 'fine', bob);
      await put(store, 'r', 'spam 2', alice);
      await put(store, 'other', 'spam 3', alice);
      for (const [room, seq] of [['r', 1], ['r', 2], ['r', 3], ['other', 1]] as const) await store.report({ room, seq, reporter: mod, ts: 10 });
      const deleted = { by: mod, how: 'deleted' as const, ts: 20 };
      const bySeq = await store.resolveReports({ room: 'r', seq: 3 }, deleted);
      assert.deepEqual(bySeq.map(({ report, changed }) => [report.seq, report.status, report.resolved?.how, changed]), [[3, 'resolved', 'deleted', true]]);
      const banned = { by: mod, how: 'banned' as const, ts: 30 };
      const byAuthor = await store.resolveReports({ room: 'r', authorId: alice.id }, banned);
      assert.deepEqual(byAuthor.map(({ report, changed }) => [report.seq, report.resolved, changed]), [[1, banned, true]], 'only open ones, in that room');
      const opened = (await store.reports({ status: "open" }, { limit: 10 }))!;
      assert.deepEqual(new Set(opened.reports.map((r) => `${r.room} ${r.seq}`)), new Set(['other 1', 'r 2']));
      assert.equal(opened.total, 2, 'the open count leaves the resolved out');
    });

    test("answers the ban on a member with its reason, or for a guest their address's", async (t) => {
      const store = await open(t);
      const now = Date.now();
      await store.ban('r', { member: alice, until: now + 60_000, reason: 'spam', by: mod, ts: now }, ['10.0.0.1']);
      assert.deepEqual(await store.banOf('r', alice.id, undefined, now), { until: now + 60_000, reason: 'spam' });
      assert.deepEqual(await store.banOf('r', bob.id, '10.0.0.1', now), { until: now + 60_000, reason: 'spam' }, 'the address, with the reason of the ban that brought it');
      assert.equal(await store.banOf('r', bob.id, undefined, now), undefined);
      assert.equal(await store.banOf('r', alice.id, undefined, now + 60_000), undefined, 'over');
      await store.ban('r', { member: bob, until: now + 1000, by: mod, ts: now }, []);
      assert.deepEqual(await store.banOf('r', bob.id, undefined, now), { until: now + 1000 }, 'no reason given, none answered');
    });

    test('pages reports newest first with before and limit, with the total of the filter; ties in time each listed once', async (t) => {
      const store = await open(t);
      // 12 reports, several made in the same millisecond (ts ties are common under a flood).
      const made: { id: string; room: string; ts: number }[] = [];
      for (let i = 1; i <= 12; i++) {
        const room = i % 3 === 0 ? 'b' : 'a';
        const { report } = await store.report({ room, seq: i, reporter: alice, ts: 100 + Math.floor(i / 4) });
        made.push({ id: report.id, room, ts: report.ts });
      }
      await store.resolveReports({ id: made[0]!.id }, { by: mod, how: 'dismissed', ts: 200 });
      const stillOpen = made.filter((r) => r.id !== made[0]!.id);

      const all = (await store.reports({ status: 'open' }, { limit: 100 }))!;
      assert.equal(all.total, 11);
      assert.equal(all.hasMore, false);
      assert.deepEqual(new Set(all.reports.map((r) => r.id)), new Set(stillOpen.map((r) => r.id)));
      const times = all.reports.map((r) => r.ts);
      assert.deepEqual(times, [...times].sort((x, y) => y - x), 'newest first');

      // Page by page, 3 at a time: the same reports, in the same order, each once.
      const paged: string[] = [];
      let before: string | undefined;
      for (;;) {
        const page = (await store.reports({ status: 'open' }, { limit: 3, ...(before ? { before } : {}) }))!;
        assert.equal(page.total, 11, 'the total counts the whole filter, whatever the page');
        paged.push(...page.reports.map((r) => r.id));
        if (!page.hasMore) break;
        before = page.reports.at(-1)!.id;
      }
      assert.deepEqual(paged, all.reports.map((r) => r.id));

      // A room's page, the resolved one, and every status.
      const inB = (await store.reports({ room: 'b' }, { limit: 2 }))!;
      assert.deepEqual([inB.total, inB.reports.length, inB.hasMore], [4, 2, true]);
      assert.ok(inB.reports.every((r) => r.room === 'b'));
      const resolved = (await store.reports({ status: 'resolved' }, { limit: 10 }))!;
      assert.deepEqual([resolved.total, resolved.reports.map((r) => r.id)], [1, [made[0]!.id]]);
      assert.equal((await store.reports({}, { limit: 1 }))!.total, 12);
      // A report that is not open still places the cursor of the open list.
      const afterResolved = (await store.reports({ status: 'open' }, { before: made[0]!.id, limit: 100 }))!;
      assert.deepEqual(afterResolved.reports.map((r) => r.id), all.reports.filter((r) => r.ts < made[0]!.ts || (r.ts === made[0]!.ts && r.id < made[0]!.id)).map((r) => r.id));
      // A cursor naming no report: undefined (the caller answers not_found).
      assert.equal(await store.reports({}, { before: '00000000-0000-0000-0000-000000000000', limit: 5 }), undefined);
      assert.equal(await store.reports({}, { before: 'not-an-id', limit: 5 }), undefined);
    });

    test('keeps an audit log per room, newest first, paged with before', async (t) => {
      const store = await open(t);
      const ids = [];
      for (let i = 1; i <= 5; i++) ids.push((await store.audit({ room: 'r', ts: i, actor: mod, action: 'delete', seq: i, memberId: alice.id })).id);
      await store.audit({ room: 'other', ts: 6, actor: mod, action: 'configure', detail: 'paused=true' });
      const page = await store.auditLog('r', undefined, 3);
      assert.deepEqual(page.entries.map((e) => e.seq), [5, 4, 3]);
      assert.equal(page.hasMore, true);
      assert.deepEqual(page.entries[0], { id: ids[4], ts: 5, actor: mod, action: 'delete', seq: 5, memberId: alice.id });
      const rest = await store.auditLog('r', page.entries[2]!.id, 3);
      assert.deepEqual(rest.entries.map((e) => e.seq), [2, 1]);
      assert.equal(rest.hasMore, false);
      assert.deepEqual((await store.auditLog('other', undefined, 10)).entries.map((e) => e.detail), ['paused=true']);
    });

    test('concurrent appends to one room get 1..N with no gap, and racing retries one message', async (t) => {
      const store = await open(t);
      const authors = [alice, bob];
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => put(store, 'busy', `m${i}`, authors[i % 2], `id-${i}`)),
      );
      assert.deepEqual(results.map((r) => r.message.seq).sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i + 1));
      const racing = await Promise.all(Array.from({ length: 5 }, () => put(store, 'busy', 'same', alice, 'racing-retry')));
      assert.equal(new Set(racing.map((r) => r.message.id)).size, 1);
      assert.equal(racing.filter((r) => !r.duplicate).length, 1);
      assert.equal(await store.lastSeq('busy'), 41);
    });

    test('every change to a message takes the room\'s next rev, stamped on it; revs are per room', async (t) => {
      const store = await open(t);
      assert.equal(await store.revision('r'), 0);
      assert.equal((await put(store, 'r', 'one')).message.rev, 1);
      assert.equal((await put(store, 'r', 'two')).message.rev, 2);
      assert.equal((await put(store, 'other', 'uno')).message.rev, 1, 'per room');

      const edited = await store.edit('r', 1, 'one, edited', 5000);
      assert.deepEqual([edited?.text, edited?.editedAt, edited?.rev, edited?.seq], ['one, edited', 5000, 3, 1]);
      const reacted = await store.react('r', 2, bob.id, '👍', true);
      assert.deepEqual([reacted?.changed, reacted?.message.rev, reacted?.message.reactions], [true, 4, [{ emoji: '👍', count: 1 }]]);
      const again = await store.react('r', 2, bob.id, '👍', true);
      assert.deepEqual([again?.changed, again?.message.rev], [false, 4], 'no change, no new rev');
      assert.equal((await store.react('r', 2, bob.id, '🎉', false))?.changed, false, 'taking back what is not there');
      const deleted = await store.markDeleted('r', 2);
      assert.deepEqual([deleted?.rev, deleted?.text, deleted?.deleted, deleted?.reactions], [5, '', true, undefined]);

      assert.equal(await store.edit('r', 2, 'too late', 6000), undefined, 'a deleted message is not edited');
      assert.equal(await store.react('r', 2, alice.id, '👍', true), undefined, 'nor reacted to');
      assert.equal(await store.edit('r', 9, 'none', 6000), undefined);
      assert.equal(await store.react('r', 9, alice.id, '👍', true), undefined);
      assert.equal(await store.revision('r'), 5);
      assert.equal(await store.revision('other'), 1);
      assert.equal(await store.lastSeq('r'), 2, 'changes take no seq');
      assert.equal((await put(store, 'r', 'three')).message.rev, 6);
      assert.deepEqual((await store.get('r', 1))?.rev, 3);
    });

    test('changed: the messages below a seq changed after a rev, oldest change first, bounded', async (t) => {
      const store = await open(t);
      for (let i = 1; i <= 5; i++) await put(store, 'r', `m${i}`); // revs 1–5
      await store.edit('r', 2, 'm2 edited', 1); // rev 6
      await store.markDeleted('r', 1); // rev 7
      await store.react('r', 4, bob.id, '😂', true); // rev 8
      const seqs = (r: { messages: { seq: number }[] }) => r.messages.map((m) => m.seq);
      assert.deepEqual(seqs(await store.changed('r', 5, 4, 10)), [2, 1], 'seq 4 is not below 4');
      const all = await store.changed('r', 5, 6, 10);
      assert.deepEqual(seqs(all), [2, 1, 4]);
      assert.equal(all.truncated, false);
      assert.deepEqual(all.messages[2]!.reactions, [{ emoji: '😂', count: 1 }], 'read whole');
      const capped = await store.changed('r', 5, 6, 2);
      assert.deepEqual([seqs(capped), capped.truncated], [[2, 1], true]);
      assert.deepEqual(seqs(await store.changed('r', 7, 6, 10)), [4]);
      assert.deepEqual(seqs(await store.changed('r', 8, 6, 10)), []);
    });

    test('reactions: once per member and emoji, counted in first-reacted order, and each member\'s own', async (t) => {
      const store = await open(t);
      await put(store, 'r', 'one');
      await put(store, 'r', 'two');
      await store.react('r', 1, alice.id, '👍', true);
      await store.react('r', 1, bob.id, '❤️', true);
      await store.react('r', 1, bob.id, '👍', true);
      await store.react('r', 1, alice.id, '👍', true);
      await store.react('r', 2, alice.id, '🎉', true);
      assert.deepEqual((await store.get('r', 1))?.reactions, [
        { emoji: '👍', count: 2 },
        { emoji: '❤️', count: 1 },
      ]);
      assert.deepEqual(await store.reactionsBy('r', bob.id, [1, 2]), [
        { seq: 1, emoji: '❤️' },
        { seq: 1, emoji: '👍' },
      ]);
      assert.deepEqual(await store.reactionsBy('r', alice.id, [2]), [{ seq: 2, emoji: '🎉' }]);
      assert.deepEqual(await store.reactionsBy('r', alice.id, []), []);
      await store.react('r', 1, alice.id, '👍', false);
      await store.react('r', 1, bob.id, '❤️', false);
      assert.deepEqual((await store.get('r', 1))?.reactions, [{ emoji: '👍', count: 1 }]);
      await store.react('r', 1, bob.id, '👍', false);
      assert.equal((await store.get('r', 1))?.reactions, undefined, 'no reactions, no list');
      assert.deepEqual((await store.latest('r', 5)).map((m) => m.reactions), [undefined, [{ emoji: '🎉', count: 1 }]]);
    });

    test('concurrent reactions count each member once and take distinct revs', async (t) => {
      const store = await open(t);
      await put(store, 'r', 'popular');
      const members = Array.from({ length: 10 }, (_, i) => `guest:m${i}`);
      const results = await Promise.all(
        [...members, ...members].map((id) => store.react('r', 1, id, '👍', true)),
      );
      assert.equal(results.filter((r) => r?.changed).length, 10);
      assert.deepEqual((await store.get('r', 1))?.reactions, [{ emoji: '👍', count: 10 }]);
      assert.equal(await store.revision('r'), 11);
      assert.equal(new Set(results.filter((r) => r?.changed).map((r) => r!.message.rev)).size, 10);
    });

    test('a reply shows its parent as it is now; mentions are kept', async (t) => {
      const store = await open(t);
      const long = '😀'.repeat(150);
      await put(store, 'r', long);
      const { message } = await store.append({
        room: 'r',
        text: 'answer',
        author: bob,
        clientMsgId: 'reply-0001',
        ts: 1,
        replyTo: 1,
        mentions: [alice],
      });
      assert.deepEqual(message.replyTo, { seq: 1, author: alice, text: '😀'.repeat(140) });
      assert.deepEqual(message.mentions, [alice]);
      await store.edit('r', 1, 'short now', 2);
      assert.deepEqual((await store.get('r', 2))?.replyTo, { seq: 1, author: alice, text: 'short now' });
      await store.markDeleted('r', 1);
      assert.deepEqual((await store.latest('r', 5))[1]?.replyTo, { seq: 1, author: alice, text: '' });
      assert.deepEqual((await store.find('r', bob.id, 'reply-0001'))?.mentions, [alice]);
      assert.equal((await store.get('r', 1))?.replyTo, undefined);
      await store.markDeleted('r', 2);
      assert.equal((await store.get('r', 2))?.mentions, undefined, 'a deleted message names nobody');
    });

    test('authors: the members of some ids who wrote in the room, as on their latest message', async (t) => {
      const store = await open(t);
      await put(store, 'r', 'old name');
      await store.append({ room: 'r', text: 'new name', author: { ...alice, name: 'alice2' }, clientMsgId: 'renamed-1', ts: 2 });
      await put(store, 'other', 'bob elsewhere', bob);
      const found = await store.authors('r', [alice.id, bob.id, 'guest:nobody']);
      assert.deepEqual(found, [{ ...alice, name: 'alice2' }]);
      assert.deepEqual(await store.authors('r', []), []);
    });

    test('answers ping while open', async (t) => {
      const store = await open(t);
      await store.ping();
    });

    const event = (room: string, n: number, ts = 1000): QueuedWebhook => ({ webhookId: `msg_${room}_${n}`, room, type: 'message.created', body: `{"n":${n}}`, ts });
    const ids = (claimed: { webhookId: string }[]) => claimed.map((c) => c.webhookId).sort();

    test('webhook queue: one event per room at a time, in order, to one relay until its lease ends', async (t) => {
      const store = await open(t);
      await store.enqueueWebhooks([event('a', 1), event('a', 2), event('b', 1)]);
      assert.deepEqual(await store.webhookQueue(), { depth: 3, oldestTs: 1000 });
      // Each room's first event, to the first relay that asks; nothing for another until then.
      const first = await store.claimWebhooks('relay-1', 2000, 1000, 10);
      assert.deepEqual(ids(first), ['msg_a_1', 'msg_b_1']);
      assert.deepEqual(first.map((c) => [c.body, c.attempts]), [['{"n":1}', 0], ['{"n":1}', 0]]);
      // Each body is read again right before its attempt.
      assert.equal(await store.webhookBody(first[0]!.id), '{"n":1}');
      assert.equal(await store.webhookBody(-1), undefined);
      assert.deepEqual(await store.claimWebhooks('relay-2', 2500, 1000, 10), []);
      // a's first fails (tried again at 4000), b's is delivered: b has nothing left.
      const a1 = first.find((c) => c.room === 'a')!;
      const b1 = first.find((c) => c.room === 'b')!;
      await store.settleWebhooks('relay-1', [{ id: a1.id, room: 'a', retryAt: 4000 }, { id: b1.id, room: 'b' }], 2600);
      assert.deepEqual(await store.claimWebhooks('relay-2', 3000, 1000, 10), [], 'a waits for its retry');
      const retried = await store.claimWebhooks('relay-2', 4000, 1000, 10);
      assert.deepEqual(ids(retried), ['msg_a_1']);
      assert.equal(retried[0]!.attempts, 1);
      // relay-2 dies holding it: once its lease ends, relay-3 takes it over.
      assert.deepEqual(await store.claimWebhooks('relay-3', 4999, 1000, 10), []);
      const taken = await store.claimWebhooks('relay-3', 5000, 1000, 10);
      assert.deepEqual(ids(taken), ['msg_a_1']);
      // The dead relay's late outcome does not end relay-3's claim.
      await store.settleWebhooks('relay-2', [{ id: taken[0]!.id, room: 'a', retryAt: 9000 }], 5100);
      assert.deepEqual(await store.claimWebhooks('relay-1', 5200, 1000, 10), []);
      await store.settleWebhooks('relay-3', [{ id: taken[0]!.id, room: 'a' }], 5300);
      assert.deepEqual(ids(await store.claimWebhooks('relay-1', 5300, 1000, 10)), ['msg_a_2'], 'then the next of the room');
      assert.equal((await store.webhookQueue()).depth, 1);
    });

    test('webhook queue: a claim can take several of a room\'s first events, in order; settling them releases the room once', async (t) => {
      const store = await open(t);
      await store.enqueueWebhooks([1, 2, 3, 4, 5].map((n) => event('a', n)).concat([event('b', 1)]));
      const claimed = await store.claimWebhooks('relay-1', 2000, 1000, 10, 3);
      assert.deepEqual(
        claimed.map((c) => c.webhookId),
        ['msg_a_1', 'msg_a_2', 'msg_a_3', 'msg_b_1'],
        'three of a, in order, and b\'s one',
      );
      assert.deepEqual(await store.claimWebhooks('relay-2', 2001, 1000, 10, 3), [], 'both rooms are held');
      // a: two delivered, the third failed (tried again at 4000); b delivered.
      const [a1, a2, a3, b1] = claimed;
      await store.settleWebhooks(
        'relay-1',
        [{ id: a1!.id, room: 'a' }, { id: a2!.id, room: 'a' }, { id: a3!.id, room: 'a', retryAt: 4000 }, { id: b1!.id, room: 'b' }],
        2100,
      );
      assert.deepEqual(await store.webhookQueue(), { depth: 3, oldestTs: 1000 });
      assert.deepEqual(await store.claimWebhooks('relay-2', 3999, 1000, 10, 3), [], 'a waits for the retry of its third');
      const retried = await store.claimWebhooks('relay-2', 4000, 1000, 10, 3);
      assert.deepEqual(retried.map((c) => [c.webhookId, c.attempts]), [['msg_a_3', 1], ['msg_a_4', 0], ['msg_a_5', 0]]);
      // Only the first of the batch was tried before the relay stopped: the rest are due at once.
      await store.settleWebhooks('relay-2', [{ id: retried[0]!.id, room: 'a' }], 4100);
      assert.deepEqual(ids(await store.claimWebhooks('relay-3', 4100, 1000, 10, 3)), ['msg_a_4', 'msg_a_5']);
    });

    test('webhook queue: message changes queue their event in their transaction; a restart makes waiting rooms due', async (t) => {
      const store = await open(t);
      const outbox = (m: { room: string; seq: number; rev: number }) => event(m.room, m.rev, 10);
      const { message } = await store.append({ room: 'r', text: 'hi', author: alice, clientMsgId: 'hook-0001', ts: 10 }, outbox);
      assert.equal((await store.append({ room: 'r', text: 'hi', author: alice, clientMsgId: 'hook-0001', ts: 10 }, outbox)).duplicate, true);
      await store.edit('r', message.seq, 'edited', 11, outbox);
      await store.react('r', message.seq, bob.id, '👍', true, outbox);
      await store.react('r', message.seq, bob.id, '👍', true, outbox); // unchanged: nothing queued
      await store.markDeleted('r', message.seq, outbox);
      await store.markDeleted('r', message.seq, outbox); // deleted already: nothing queued
      assert.deepEqual(await store.webhookQueue(), { depth: 4, oldestTs: 10 });
      const order: string[] = [];
      for (let now = 100; ; now++) {
        const [claimed] = await store.claimWebhooks('relay', now, 1000, 10);
        if (!claimed) break;
        order.push(claimed.webhookId);
        // Failed once, far off: a restart makes it due at once.
        if (order.length === 1) {
          await store.settleWebhooks('relay', [{ id: claimed.id, room: 'r', retryAt: 1_000_000 }], now);
          assert.deepEqual(await store.claimWebhooks('relay', now + 1, 1000, 10), []);
          await store.resumeWebhooks(now + 1);
          continue;
        }
        await store.settleWebhooks('relay', [{ id: claimed.id, room: 'r' }], now);
      }
      assert.deepEqual(order, ['msg_r_1', 'msg_r_1', 'msg_r_2', 'msg_r_3', 'msg_r_4']);
      assert.deepEqual(await store.webhookQueue(), { depth: 0, oldestTs: null });
    });
  });
}

test('a file store keeps its messages when reopened', async (t) => {
  const url = `sqlite:${join(tempDir(t), 'chat.db')}`;
  const first = await openStore(url);
  await first.append({ room: 'r', text: 'kept', author: alice, clientMsgId: 'kept-0001', ts: 1 });
  await first.close();
  const second = await openStore(url);
  t.after(() => second.close());
  assert.deepEqual((await second.latest('r', 5)).map((m) => m.text), ['kept']);
  const { message } = await second.append({ room: 'r', text: 'next', author: alice, clientMsgId: 'next-0001', ts: 2 });
  assert.equal(message.seq, 2);
});

test('an unopenable SQLite path is a DATABASE_URL error', async (t) => {
  const file = join(tempDir(t), 'a-file');
  writeFileSync(file, '');
  // The store says storage failed; the relay that opens it names the variable to fix.
  await assert.rejects(openStore(`sqlite:${file}/chat.db`), StorageError);
  const config = { ...loadConfig({}, { widgetDir, demoDir }), databaseUrl: `sqlite:${file}/chat.db` };
  await assert.rejects(buildApp(config, { logger: false }), /^ConfigError: DATABASE_URL: cannot open SQLite database .*a-file/);
});

/** What every v1 database fixture holds, as the new store must serve it. */
async function assertUpgraded(store: Store): Promise<void> {
  const lobby = await store.latest('lobby', 10);
  assert.deepEqual(
    lobby.map((m) => [m.seq, m.text, m.rev, m.deleted ?? false]),
    [
      [1, 'first', 1, false],
      [2, '', 2, true],
      [3, 'third', 3, false],
    ],
  );
  assert.deepEqual(lobby[2]!.author, { id: 'u1', name: 'Zoë', verified: true, role: 'moderator' });
  assert.equal(lobby[0]!.clientMsgId, 'v1-msg-0001');
  assert.equal(await store.lastSeq('lobby'), 3);
  assert.equal(await store.revision('lobby'), 3);
  assert.equal(await store.revision('other'), 1);
  assert.ok((await store.banOf('lobby', 'guest:mallory', undefined, 1))!.until > 1, 'bans are kept');
  // The room list is filled in from the messages: counts (deleted ones aside) and last activity.
  assert.deepEqual(await store.rooms({ limit: 10 }), [
    { room: 'other', messages: 1, lastSeq: 1, lastMessageAt: 1700000000004 },
    { room: 'lobby', messages: 2, lastSeq: 3, lastMessageAt: 1700000000003 },
  ]);
  // A retry of a message sent before the upgrade is still recognized.
  const retry = await store.append({ room: 'lobby', text: 'first', author: alice, clientMsgId: 'v1-msg-0001', ts: 9 });
  assert.deepEqual([retry.duplicate, retry.message.seq], [true, 1]);
  // New messages continue the seq; changes continue the rev.
  const { message } = await store.append({ room: 'lobby', text: 'after', author: bob, clientMsgId: 'v2-msg-0001', ts: 9, replyTo: 1 });
  assert.deepEqual([message.seq, message.rev, message.replyTo?.text], [4, 4, 'first']);
  assert.equal((await store.edit('lobby', 1, 'first, edited', 10))?.rev, 5);
  assert.deepEqual((await store.changed('lobby', 3, 4, 10)).messages.map((m) => m.seq), [1]);
  assert.equal((await store.append({ room: 'other', text: 'x', author: bob, clientMsgId: 'v2-msg-0002', ts: 9 })).message.seq, 2);
}

test('a SQLite database written before schema versions (v1) is upgraded in place, nothing lost', async (t) => {
  const file = join(tempDir(t), 'v1.db');
  const v1 = new Database(file);
  v1.exec(readFileSync(join(fixtures, 'v1-sqlite.sql'), 'utf8'));
  assert.equal(v1.pragma('user_version', { simple: true }), 0);
  v1.close();

  const store = await openStore(`sqlite:${file}`);
  await assertUpgraded(store);
  await store.close();
  // Opened again: already at the newest version, nothing applied twice.
  const again = await openStore(`sqlite:${file}`);
  t.after(() => again.close());
  assert.equal(await again.lastSeq('lobby'), 4);
  const check = new Database(file, { readonly: true });
  t.after(() => check.close());
  assert.equal(check.pragma('user_version', { simple: true }), MIGRATIONS.length);
});

test('a PostgreSQL database at migration 1 is upgraded in place, nothing lost', { skip: skipWithoutPostgres }, async (t) => {
  const url = await freshPostgres(t);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(readFileSync(join(fixtures, 'v1-postgres.sql'), 'utf8'));
  await client.end();

  const store = await openStore(url);
  t.after(() => store.close());
  await assertUpgraded(store);
});
