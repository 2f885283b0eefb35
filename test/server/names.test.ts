import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import type { HandshakeAuth } from '../../protocol/index.js';
import { connect, joined, startRelay } from './helpers.js';

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
