import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { client, controlPair } from '../attack-helpers.js';
import { connect, request, startRelay } from '../helpers.js';

/**
 * Token attacks beyond those of moderation.test.ts (expired, bad signature,
 * alg none, HS512, missing claims): algorithm confusion, key-locating header
 * tricks, not-yet-valid and oversize tokens. Each must end in `unauthorized`
 * while a control pair keeps chatting.
 */

const secret = 'test-secret-that-is-at-least-32-chars!';
const b64 = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const exp = () => Math.floor(Date.now() / 1000) + 3600;
const claims = () => ({ sub: 'u-attacker', name: 'Mallory', role: 'moderator', exp: exp() });

/** An HS256-style token signed by hand, with any header, with any HMAC key (jose would refuse some of these). */
function hmacToken(header: object, payload: object, key: string | Buffer, hash = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
}

test('algorithm confusion, key-locating headers, nbf in the future and oversize tokens are unauthorized; nothing is fetched', { timeout: 60_000 }, async (t) => {
  const relay = await startRelay(t, { jwtSecret: secret });
  const control = await controlPair(t, relay.url);

  // Where a token's jku/x5u would send a careless verifier: a server of the attacker's, counting requests.
  let fetched = 0;
  const keyServer = createServer((_req, res) => {
    fetched++;
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  keyServer.listen(0, '127.0.0.1');
  await once(keyServer, 'listening');
  t.after(() => keyServer.close());
  const keyUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/jwks.json`;

  const rsa = await generateKeyPair('RS256', { extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  const pss = await generateKeyPair('PS256');
  const jwk = { ...(await exportJWK(rsa.publicKey)), kid: 'attacker', alg: 'RS256' };
  const publicPem = await exportSPKI(rsa.publicKey);
  const signWith = (alg: string, key: CryptoKey, header: Record<string, unknown> = {}) =>
    new SignJWT({ sub: 'u-attacker', name: 'Mallory', role: 'moderator' }).setProtectedHeader({ alg, ...header }).setExpirationTime('1h').sign(key);

  const attacks: Record<string, string> = {
    // Asymmetric algorithms, which the relay does not take at all.
    'RS256, attacker key': await signWith('RS256', rsa.privateKey),
    'ES256, attacker key': await signWith('ES256', ec.privateKey),
    'PS256, attacker key': await signWith('PS256', pss.privateKey),
    // The classic confusion: HS256 keyed with a public key (PEM or JWK JSON), for verifiers that take the key from the token's world.
    'HS256 keyed with the public key PEM': hmacToken({ alg: 'HS256', typ: 'JWT' }, claims(), publicPem),
    'HS256 keyed with the public JWK': hmacToken({ alg: 'HS256', typ: 'JWT' }, claims(), JSON.stringify(jwk)),
    // The other way round: the right HMAC, but the header claims an asymmetric algorithm.
    'RS256 header, HMAC signature with the secret': hmacToken({ alg: 'RS256', typ: 'JWT' }, claims(), secret),
    'hs256 in lower case': hmacToken({ alg: 'hs256', typ: 'JWT' }, claims(), secret),
    // Headers that point a verifier at a key of the attacker's choosing.
    'jku to the attacker': await signWith('RS256', rsa.privateKey, { jku: keyUrl, kid: 'attacker' }),
    'x5u to the attacker': await signWith('RS256', rsa.privateKey, { x5u: keyUrl }),
    'embedded jwk (CVE-2018-0114)': await signWith('RS256', rsa.privateKey, { jwk }),
    'HS256 with jku, keyed with the served key': hmacToken({ alg: 'HS256', jku: keyUrl, kid: 'attacker' }, claims(), JSON.stringify(jwk)),
    'kid path traversal, empty key': hmacToken({ alg: 'HS256', kid: '../../../../../../dev/null' }, claims(), ''),
    'kid SQL injection, key "x"': hmacToken({ alg: 'HS256', kid: "x' UNION SELECT 'x' --" }, claims(), 'x'),
    'unknown crit extension': hmacToken({ alg: 'HS256', crit: ['exp-x'], 'exp-x': 1 }, claims(), secret),
    'b64: false': hmacToken({ alg: 'HS256', b64: false, crit: ['b64'] }, claims(), secret),
    // Not valid yet: exp far away, nbf in the future.
    'nbf in the future': hmacToken({ alg: 'HS256' }, { ...claims(), nbf: exp(), exp: exp() + 10 * 365 * 86400 }, secret),
    'nbf not a number': hmacToken({ alg: 'HS256' }, { ...claims(), nbf: 'tomorrow' }, secret),
    'exp as a string': hmacToken({ alg: 'HS256' }, { ...claims(), exp: String(exp()) }, secret),
    // Correctly signed, but longer than any identity needs (8 KB): never parsed.
    'oversize (10 KB), correctly signed': hmacToken({ alg: 'HS256' }, { ...claims(), pad: 'x'.repeat(10_000) }, secret),
    'two signatures': `${hmacToken({ alg: 'HS256' }, claims(), secret)}.${'A'.repeat(43)}`,
    'JWE-shaped': `${b64({ alg: 'dir', enc: 'A256GCM' })}..${b64('iv')}.${b64('ct')}.${b64('tag')}`,
  };
  for (const [label, token] of Object.entries(attacks)) {
    await assert.rejects(connect(t, relay.url, { token }), { message: 'unauthorized' }, label);
  }
  assert.equal(fetched, 0, 'the relay never fetched a key from a token header');
  await control.chat('after the token attacks');

  // Past the 64 KB packet limit the handshake itself is cut off: refused, and nobody else notices.
  await assert.rejects(client(t, relay.url, { auth: { token: hmacToken({ alg: 'HS256' }, { ...claims(), pad: 'x'.repeat(70_000) }, secret) } }), {
    message: 'transport close',
  });
  await control.chat('after a 70 KB token');

  // The same relay still admits a correct token, with nbf in the past.
  const good = hmacToken({ alg: 'HS256', typ: 'JWT' }, { ...claims(), nbf: Math.floor(Date.now() / 1000) - 60 }, secret);
  const member = await connect(t, relay.url, { token: good });
  const ack = await request(member, 'join', { room: 'control' });
  assert.deepEqual(ack.self, { id: 'u-attacker', name: 'Mallory', verified: true, role: 'moderator' });
});
