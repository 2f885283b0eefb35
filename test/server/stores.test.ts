import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import type { Member } from '../../protocol/index.js';
import { openStore, type Store } from '../../server/stores/index.js';
import { tempDir } from './helpers.js';

/**
 * The store contract: every implementation (SQLite on a file, SQLite in
 * memory, and PostgreSQL when it comes) must pass the same suite.
 */
const implementations: Record<string, (t: TestContext) => string> = {
  'sqlite file': (t) => `sqlite:${join(tempDir(t), 'nested', 'dir', 'chat.db')}`,
  'sqlite memory': () => 'sqlite::memory:',
};

const alice: Member = { id: 'guest:alice', name: 'alice', verified: false };
const bob: Member = { id: 'guest:bob', name: 'bob', verified: false };

for (const [kind, url] of Object.entries(implementations)) {
  describe(`store contract: ${kind}`, () => {
    async function open(t: TestContext): Promise<Store> {
      const store = openStore(url(t));
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

    test('answers ping while open', async (t) => {
      const store = await open(t);
      await store.ping();
    });
  });
}

test('a file store keeps its messages when reopened', async (t) => {
  const url = `sqlite:${join(tempDir(t), 'chat.db')}`;
  const first = openStore(url);
  await first.append({ room: 'r', text: 'kept', author: alice, clientMsgId: 'kept-0001', ts: 1 });
  await first.close();
  const second = openStore(url);
  t.after(() => second.close());
  assert.deepEqual((await second.latest('r', 5)).map((m) => m.text), ['kept']);
  const { message } = await second.append({ room: 'r', text: 'next', author: alice, clientMsgId: 'next-0001', ts: 2 });
  assert.equal(message.seq, 2);
});

test('an unopenable SQLite path is a DATABASE_URL error', (t) => {
  const file = join(tempDir(t), 'a-file');
  writeFileSync(file, '');
  assert.throws(() => openStore(`sqlite:${file}/chat.db`), /^ConfigError: DATABASE_URL: cannot open SQLite database .*a-file/);
});
