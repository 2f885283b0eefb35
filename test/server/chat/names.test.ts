import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import type { HandshakeAuth } from '../../../protocol/index.js';
import { nameKeys } from '../../../server/chat/names.js';
import type { Config } from '../../../server/config.js';
import { waitFor } from '../cluster-helpers.js';
import { connect, joined, startRelay } from '../helpers.js';
import { freshPostgres, skipWithoutPostgres } from '../services.js';

/** PROTOCOL.md v3, "Names a guest cannot fake": badge symbols, emoji sequences, look-alikes of verified names. */

const secret = 'names-secret-that-is-at-least-32-characters';
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
const refused = (t: TestContext, url: string, auth: HandshakeAuth) => assert.rejects(connect(t, url, auth), { message: 'invalid_name' }, JSON.stringify(auth));
const nameOf = async (t: TestContext, url: string, auth: HandshakeAuth) => (await joined(t, url, 'lobby', auth)).ack.self.name as string;

test('a guest name may not carry check marks, stars, shields, crowns or trademark signs, nor their variation sequences', async (t) => {
  const relay = await startRelay(t, { jwtSecret: secret });
  const badges = [
    'Mia ✓ ★', 'Mia ✓', 'Mia★', 'Mia ☆', 'Mia ☑', 'Mia ✅', 'Mia ✔', 'Mia ✔️', 'Mia ✔︎', 'Mia ⭐', 'Mia ⭐️', 'Mia 👑', 'Mia 🛡', 'Mia 🛡️',
    'Mia™', 'Mia®', 'Mia Ⓡ', '✓',
  ];
  for (const name of badges) await refused(t, relay.url, { name, clientId: 'guest-client-1' });
  // The same symbols are a verified member's own business: the relay vouches for that name.
  assert.equal(await nameOf(t, relay.url, { token: await sign({ sub: 'u-mia', name: 'Mia ✓ ★' }) }), 'Mia ✓ ★');
  // Other symbols and emoji stay allowed.
  assert.equal(await nameOf(t, relay.url, { name: 'Ana ❤️ ☕', clientId: 'guest-client-2' }), 'Ana ❤️ ☕');
});

const DAY = 24 * 60 * 60 * 1000;

/** Resolves once a guest named `name` is refused (the verified member's join is recorded without waiting). */
async function refusedSoon(t: TestContext, url: string, name: string) {
  await waitFor(
    () => connect(t, url, { name, clientId: 'look-alike-1' }).then((socket) => (socket.disconnect(), false), (error: Error) => error.message === 'invalid_name'),
    `a guest named ${name} refused`,
  );
}

const stores: Record<string, { skip: string | false; databaseUrl?: (t: TestContext) => Promise<string> }> = {
  sqlite: { skip: false },
  postgres: { skip: skipWithoutPostgres, databaseUrl: freshPostgres },
};

for (const [kind, { skip, databaseUrl }] of Object.entries(stores)) {
  describe(`look-alikes of verified names on ${kind}`, { skip }, () => {
    const relayFor = async (t: TestContext, overrides: Partial<Config> = {}) =>
      startRelay(t, { jwtSecret: secret, ...(databaseUrl ? { databaseUrl: await databaseUrl(t) } : {}), ...overrides });

    test('a guest may not take the skeleton of a moderator who joined: case, Cyrillic, digits, accents and spaces aside', async (t) => {
      const relay = await relayFor(t);
      assert.equal(await nameOf(t, relay.url, { name: 'Mia', clientId: 'early-guest-1' }), 'Mia', 'no verified Mia yet');
      await joined(t, relay.url, 'lobby', { token: await sign({ sub: 'u-mia', name: 'Mia', role: 'moderator', rooms: ['lobby'] }) });
      await refusedSoon(t, relay.url, 'Mia');
      for (const name of ['mia', 'MIA', 'Міа', 'міа', 'МІА', 'M1a', 'Mía', 'M ia', ' Mia ', 'Ⅿia', 'Ｍｉａ', 'Mia.']) {
        await refused(t, relay.url, { name, clientId: 'look-alike-2' });
      }
      for (const name of ['Mila', 'Maria', 'Miami', 'Ana', 'Mia2', 'Amy']) {
        assert.equal(await nameOf(t, relay.url, { name, clientId: 'other-guest-1' }), name);
      }
      // Verified members are not held to it: the site vouches for their names.
      assert.equal(await nameOf(t, relay.url, { token: await sign({ sub: 'u-mia-2', name: 'Mia' }) }), 'Mia');
    });

    test('an ordinary verified member counts too, and a capital I looks like a small l', async (t) => {
      const relay = await relayFor(t);
      await joined(t, relay.url, 'lobby', { token: await sign({ sub: 'u-ian', name: 'Ian' }) });
      await refusedSoon(t, relay.url, 'Ian');
      await refused(t, relay.url, { name: 'lan', clientId: 'look-alike-3' });
      await refused(t, relay.url, { name: 'Іаn', clientId: 'look-alike-3' });
      assert.equal(await nameOf(t, relay.url, { name: 'Ivan', clientId: 'other-guest-2' }), 'Ivan');
    });

    test('only a verified member who joined in the last 30 days counts', async (t) => {
      const relay = await relayFor(t);
      await relay.app.store.rememberVerifiedName(nameKeys('Bob'), Date.now() - 31 * DAY);
      assert.equal(await nameOf(t, relay.url, { name: 'Bob', clientId: 'bob-guest-1' }), 'Bob');
      await relay.app.store.rememberVerifiedName(nameKeys('Bob'), Date.now() - 29 * DAY);
      await refused(t, relay.url, { name: 'B0b', clientId: 'bob-guest-1' });
    });
  });
}

test('a moderator who joined on one relay holds their name on another sharing PostgreSQL', { skip: skipWithoutPostgres }, async (t) => {
  const databaseUrl = await freshPostgres(t);
  const a = await startRelay(t, { jwtSecret: secret, databaseUrl });
  const b = await startRelay(t, { jwtSecret: secret, databaseUrl });
  assert.equal(await nameOf(t, b.url, { name: 'Zoé', clientId: 'zoe-guest-1' }), 'Zoé');
  await joined(t, a.url, 'stage', { token: await sign({ sub: 'u-zoe', name: 'Zoé', role: 'moderator' }) });
  await refusedSoon(t, b.url, 'Zoé');
  await refused(t, b.url, { name: 'ZOE', clientId: 'zoe-guest-2' });
});

test('emoji ZWJ sequences are allowed in names; every other joiner, invisible or bidi character is not', async (t) => {
  const relay = await startRelay(t);
  for (const name of ['Ana 👩‍💻', '👨‍👩‍👧 family', 'Kim 🏳️‍🌈', 'Ana 👩🏽‍💻', 'Jo ❤️‍🔥', '🧑‍🚀']) {
    assert.equal(await nameOf(t, relay.url, { name, clientId: 'emoji-guest-1' }), name);
  }
  const hidden = [
    'An\u200Da', 'Ana\u200D', '\u200DAna', 'Ana 👩\u200D', 'Ana 👩\u200D\u200D💻', 'Ana \u200D💻', 'A\u200D👩', '👩\u200DA',
    'Ana\u200B', 'Ana\u200C', 'Ana\u2060', 'Ana\u00AD', 'An\uFEFFa', 'Ana\u202E', 'Ana\u2066', 'Ana\u200E', 'Ana\u{E0020}', 'Ana\u3164', 'An\u115Fa', 'Ana\uFFA0',
  ];
  for (const name of hidden) await refused(t, relay.url, { name, clientId: 'emoji-guest-2' });
});
