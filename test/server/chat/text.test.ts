import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { connect, joined, msgId, request, startRelay } from '../helpers.js';
import { freshPostgres, skipWithoutPostgres } from '../services.js';

/**
 * Text is stored verbatim or refused: a lone surrogate or U+0000 cannot be
 * stored as sent (UTF-8 turns the one into U+FFFD, PostgreSQL refuses the
 * other), so both are `invalid_payload` on every store; a text or a name
 * that draws nothing is refused like an empty one.
 */

const key = 'an-admin-key-of-16+';

async function refusals(t: TestContext, databaseUrl?: string) {
  const relay = await startRelay(t, { adminApiKey: key, maxMessageLength: 2000, ...(databaseUrl ? { databaseUrl } : {}) });
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'ann', clientId: 'ann-browser-1' });
  const send = (text: string) => request(socket, 'send', { room: 'lobby', text, clientMsgId: msgId() });
  const post = (body: object) =>
    fetch(`${relay.url}/api/rooms/lobby/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      // JSON.stringify escapes a lone surrogate as \ud800, which JSON.parse turns back into one.
      body: JSON.stringify(body),
    });
  return { relay, socket, send, post };
}

for (const [store, skip] of [
  ['SQLite', false],
  ['PostgreSQL', skipWithoutPostgres],
] as const) {
  describe(`text rules on ${store}`, { skip }, () => {
    const database = (t: TestContext) => (store === 'PostgreSQL' ? freshPostgres(t) : Promise.resolve(undefined));

    test('a lone surrogate and U+0000 are invalid_payload over the socket and HTTP, and nothing is stored', async (t) => {
      const { relay, send, post } = await refusals(t, await database(t));
      for (const text of ['x\ud800y', 'a\udc00', '\ud800'.repeat(2000), 'nul\u0000here']) {
        const ack = await send(text);
        assert.equal(ack.ok, false, JSON.stringify(text.slice(0, 10)));
        assert.equal(ack.error.code, 'invalid_payload');
        const response = await post({ text, author: { id: 'bot', name: 'Bot' } });
        assert.equal(response.status, 400);
        assert.equal((await response.json()).error.code, 'invalid_payload');
      }
      const nulInName = await post({ text: 'hi', author: { id: 'bot', name: 'B\u0000t' } });
      assert.equal((await nulInName.json()).error.code, 'invalid_payload');
      const page = await (await fetch(`${relay.url}/api/rooms/lobby/messages`)).json();
      assert.deepEqual(page.messages, [], 'nothing was stored');
      // A well-formed pair (an emoji) is fine, and comes back exactly as sent.
      const ok = await send('ok 😀 done');
      assert.equal(ok.ok, true);
      const stored = await (await fetch(`${relay.url}/api/rooms/lobby/messages`)).json();
      assert.equal(stored.messages[0].text, 'ok 😀 done');
    });
  });
}

test('a text made only of invisible characters is empty', async (t) => {
  const { send } = await refusals(t);
  for (const text of ['\u200b', '\u2060\u2060', '\u3164', '\u2800\u2800', ' \u200b\u3164 \u115f\ufe0f ', '\u202e\u2066']) {
    const ack = await send(text);
    assert.equal(ack.error?.code, 'empty', JSON.stringify(text));
  }
  assert.equal((await send('a\u200bb')).ok, true, 'invisible characters inside visible text are kept');
});

test('names that draw nothing, or carry bidi controls or zero-width characters, are invalid_name', async (t) => {
  const relay = await startRelay(t);
  for (const name of ['\u3164', '\u2800', '\u115f', '\uffa0', '\u034f', '\ufe0f', '\u3164\u2800 \u115f', 'Mia\u202e', '\u2066Mia', 'M\u200bia', 'Mi\ud800a']) {
    await assert.rejects(connect(t, relay.url, { name }), { message: 'invalid_name' }, JSON.stringify(name));
  }
  const heart = await connect(t, relay.url, { name: '❤️ Mia' });
  assert.equal((await request(heart, 'join', { room: 'lobby' })).self.name, '❤️ Mia');
});
