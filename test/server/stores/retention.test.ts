import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../server/config.js';
import { demoDir, widgetDir } from '../../../server/paths.js';
import { openStore } from '../../../server/stores/index.js';
import { joined, msgId, request, sleep, startRelay, tempDir } from '../helpers.js';

const day = 86_400_000;

test('RETENTION_DAYS: a relay removes older messages in the background; history and seqs go on', async (t) => {
  const dir = tempDir(t);
  // A database written over the past weeks.
  const store = await openStore(`sqlite:${join(dir, 'chat.db')}`);
  const author = { id: 'guest:old', name: 'old', verified: false };
  for (let i = 1; i <= 1200; i++) {
    await store.append({ room: 'lobby', text: `old ${i}`, author, clientMsgId: `old-${i}`, ts: Date.now() - 40 * day + i });
  }
  await store.append({ room: 'lobby', text: 'recent', author, clientMsgId: 'recent-1', ts: Date.now() - day });
  await store.close();

  const relay = await startRelay(t, { retentionDays: 30 }, dir);
  let page: { messages: { text: string; seq: number }[] } = { messages: [] };
  for (let tries = 0; tries < 100; tries++) {
    page = await (await fetch(`${relay.url}/api/rooms/lobby/messages?limit=200`)).json();
    if (page.messages.length === 1) break;
    await sleep(50);
  }
  assert.deepEqual(page.messages.map((m) => [m.seq, m.text]), [[1201, 'recent']], 'the 1,200 old ones are gone, in batches');
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'ann' });
  const sent = await request(socket, 'send', { room: 'lobby', text: 'new', clientMsgId: msgId() });
  assert.equal(sent.message.seq, 1202, 'seqs go on');
});

test('RETENTION_DAYS is a whole number of days, or unset', () => {
  const dirs = { widgetDir, demoDir };
  assert.equal(loadConfig({}, dirs).retentionDays, undefined);
  assert.equal(loadConfig({ RETENTION_DAYS: '90' }, dirs).retentionDays, 90);
  for (const bad of ['0', 'abc', '-3', '1.5']) {
    assert.throws(() => loadConfig({ RETENTION_DAYS: bad }, dirs), /^ConfigError: RETENTION_DAYS: /);
  }
});
