import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import type { Member } from '../../protocol/index.js';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { demoDir, widgetDir } from '../../server/paths.js';
import { openStore, StorageError, type Store } from '../../server/stores/index.js';
import { tempDir } from './helpers.js';
import { freshPostgres, skipWithoutPostgres } from './services.js';

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
        { id: message.id, room: 'r', seq: 1, text: '<b>hi</b> 👋', author: verified, ts: 42, clientMsgId: 'abcdefgh' },
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
      assert.equal(await store.markDeleted('r', 1), true);
      assert.equal(await store.markDeleted('r', 9), false);
      const [first, second] = await store.latest('r', 10);
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
      assert.equal(await store.bannedUntil('r', 'guest:x', 1000), 5000);
      assert.equal(await store.bannedUntil('r', 'guest:x', 5000), 0, 'over');
      assert.equal(await store.bannedUntil('other', 'guest:x', 1000), 0, 'per room');
      await store.ban('r', banOf(9000), []);
      assert.equal(await store.bannedUntil('r', 'guest:x', 1000), 9000, 'a new ban replaces the old');
    });

    test('bans carry who, why and when; address bans end with them; unban lifts both', async (t) => {
      const store = await open(t);
      await store.ban('r', banOf(9000, 'spam'), ['203.0.113.7', '2001:db8:0:0::/64']);
      assert.deepEqual(await store.bans('r', 1000), [banOf(9000, 'spam')]);
      assert.deepEqual(await store.bans('r', 9000), [], 'over');
      assert.equal(await store.addressBannedUntil('r', '203.0.113.7', 1000), 9000);
      assert.equal(await store.addressBannedUntil('r', '2001:db8:0:0::/64', 1000), 9000);
      assert.equal(await store.addressBannedUntil('other', '203.0.113.7', 1000), 0, 'per room');
      assert.equal(await store.addressBannedUntil('r', '203.0.113.7', 9000), 0, 'over');
      assert.equal(await store.unban('r', 'guest:x', 1000), true);
      assert.equal(await store.unban('r', 'guest:x', 1000), false, 'nothing left to lift');
      assert.equal(await store.bannedUntil('r', 'guest:x', 1000), 0);
      assert.equal(await store.addressBannedUntil('r', '203.0.113.7', 1000), 0);
    });

    test('remembers who was seen in a room, and from where', async (t) => {
      const store = await open(t);
      assert.equal(await store.lastSeen('r', alice.id), undefined);
      await store.seen('r', alice, '203.0.113.7', 1);
      await store.seen('r', { ...alice, name: 'alice2' }, undefined, 2);
      assert.deepEqual(await store.lastSeen('r', alice.id), { member: { ...alice, name: 'alice2' }, address: '203.0.113.7' });
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
      const first = await store.report({ room: 'r', seq: 1, reporter: alice, reason: 'rude', ts: 10 });
      assert.equal(first.added, true);
      assert.equal((await store.report({ room: 'r', seq: 1, reporter: alice, ts: 11 })).added, false, 'again: counted once');
      const second = await store.report({ room: 'r', seq: 1, reporter: bob, ts: 12 });
      assert.deepEqual(second.report, { id: first.report.id, room: 'r', seq: 1, reporters: [alice, bob], reasons: ['rude'], count: 2, status: 'open', ts: 10 });
      await store.report({ room: 'other', seq: 4, reporter: bob, ts: 20 });
      assert.deepEqual((await store.reports({})).map((r) => r.room), ['other', 'r'], 'newest first');
      assert.deepEqual((await store.reports({ room: 'r' })).map((r) => r.seq), [1]);
      assert.equal((await store.resolveReport(first.report.id))?.status, 'resolved');
      assert.equal(await store.resolveReport('00000000-0000-0000-0000-000000000000'), undefined);
      assert.deepEqual((await store.reports({ status: 'open' })).map((r) => r.room), ['other']);
      assert.deepEqual((await store.reports({ status: 'resolved' })).map((r) => r.room), ['r']);
      await store.report({ room: 'r', seq: 1, reporter: mod, ts: 30 });
      assert.equal((await store.reports({ room: 'r' }))[0]!.status, 'open', 'a new reporter opens it again');
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

    test('answers ping while open', async (t) => {
      const store = await open(t);
      await store.ping();
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
