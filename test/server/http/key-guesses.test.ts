import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { WRONG_KEYS } from '../../../server/http/wrong-keys.js';
import { spawnRelay } from '../cluster-helpers.js';
import { startRelay } from '../helpers.js';
import { freshPostgres, redisUrl, skipWithoutBoth } from '../services.js';

/**
 * Guessing ADMIN_API_KEY: wrong keys from one address, on the admin API and
 * the console's sign-in together, are refused 429 with Retry-After once
 * WRONG_KEYS.points have been tried, the right key included while the
 * address is held; other addresses are not held back; across relays too.
 */

const key = 'admin-key-for-tests-0123456789';
const N = WRONG_KEYS.points;

interface Answer {
  status: number;
  code?: string;
  retryAfter: number;
  retryAfterMs?: number;
}

async function answer(response: Response): Promise<Answer> {
  const body = (await response.json()) as any;
  return { status: response.status, code: body.error?.code, retryAfter: Number(response.headers.get('retry-after')), retryAfterMs: body.error?.retryAfterMs };
}

/** GET /api/rooms with a Bearer key (or none), as if from `address` (X-Forwarded-For behind TRUST_PROXY). */
const api = async (url: string, address: string, bearer?: string) =>
  answer(await fetch(`${url}/api/rooms`, { headers: { 'x-forwarded-for': address, ...(bearer !== undefined ? { authorization: `Bearer ${bearer}` } : {}) } }));

/** POST /console/session with a key, as if from `address`. */
const signIn = async (url: string, address: string, given: string) =>
  answer(
    await fetch(`${url}/console/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url, 'x-forwarded-for': address },
      body: JSON.stringify({ key: given }),
    }),
  );

function assertLimited(reply: Answer, what: string) {
  assert.equal(reply.status, 429, what);
  assert.equal(reply.code, 'rate_limited', what);
  assert.ok(reply.retryAfter >= 1 && reply.retryAfter <= WRONG_KEYS.windowMs / 1000, `${what}: Retry-After ${reply.retryAfter}`);
  assert.ok(reply.retryAfterMs! > 0 && reply.retryAfterMs! <= WRONG_KEYS.windowMs, `${what}: retryAfterMs ${reply.retryAfterMs}`);
}

const wrong = (i: number) => `wrong-key-guess-${i}-0123456789`;

test('the admin API: wrong Bearer keys from one address are refused 429 with Retry-After past the allowance, the right key too while held', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key, trustProxy: true });
  const guesser = '203.0.113.1';
  // The right key, used as much as an integration likes, never counts.
  for (let i = 0; i < N + 5; i++) assert.equal((await api(relay.url, guesser, key)).status, 200);
  // Nor do requests without a key (a visitor, a console whose session ended).
  for (let i = 0; i < N + 5; i++) assert.equal((await api(relay.url, guesser)).status, 401);

  const guesses = await Promise.all(Array.from({ length: 3 * N }, (_, i) => api(relay.url, guesser, wrong(i))));
  assert.equal(guesses.filter((g) => g.status === 401).length, N, 'N wrong keys are answered 401');
  for (const refused of guesses.filter((g) => g.status !== 401)) assertLimited(refused, 'past the allowance');
  assertLimited(await api(relay.url, guesser, key), 'the right key from the held address');
  assertLimited(await signIn(relay.url, guesser, key), 'the console sign-in from the held address');

  // Another address, even in the same /24, is not held back, for the right key nor its own guesses.
  assert.equal((await api(relay.url, '203.0.113.2', key)).status, 200);
  assert.equal((await api(relay.url, '203.0.113.2', wrong(0))).status, 401);
  // An IPv6 guesser is held by its /64.
  for (let i = 0; i < N; i++) assert.equal((await api(relay.url, `2001:db8:7:7::${i + 1}`, wrong(i))).status, 401);
  assertLimited(await api(relay.url, '2001:db8:7:7:ffff::1', wrong(99)), 'another address of the same /64');
});

test('the console sign-in and the API count one budget of wrong keys per address', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key, trustProxy: true });
  const half = Math.floor(N / 2);
  for (let i = 0; i < half; i++) assert.equal((await signIn(relay.url, '203.0.113.5', wrong(i))).status, 401);
  for (let i = half; i < N; i++) assert.equal((await api(relay.url, '203.0.113.5', wrong(i))).status, 401);
  assertLimited(await api(relay.url, '203.0.113.5', wrong(N)), 'the API after guesses on both');
  assertLimited(await signIn(relay.url, '203.0.113.5', key), 'the sign-in after guesses on both');

  for (let i = 0; i < N; i++) assert.equal((await api(relay.url, '203.0.113.6', wrong(i))).status, 401);
  assertLimited(await signIn(relay.url, '203.0.113.6', wrong(N)), 'the sign-in after guesses on the API');
  // Right sign-ins from elsewhere never count (the console is used from one office all day).
  for (let i = 0; i < N + 5; i++) assert.equal((await signIn(relay.url, '203.0.113.7', key)).status, 200);
});

describe('wrong admin keys across relays', { skip: skipWithoutBoth }, () => {
  test('one budget per address, whichever relay each guess reaches', async (t: TestContext) => {
    const env = {
      DATABASE_URL: await freshPostgres(t),
      REDIS_URL: redisUrl!,
      REDIS_PREFIX: `test-${randomBytes(5).toString('hex')}`,
      ADMIN_API_KEY: key,
      TRUST_PROXY: 'loopback',
    };
    const [a, b] = await Promise.all([spawnRelay(t, env), spawnRelay(t, env)]);
    const relays = [a!.url, b!.url];
    for (let i = 0; i < N; i++) assert.equal((await api(relays[i % 2]!, '203.0.113.9', wrong(i))).status, 401);
    assertLimited(await api(relays[0]!, '203.0.113.9', wrong(N)), 'on relay A');
    assertLimited(await api(relays[1]!, '203.0.113.9', key), 'the right key on relay B');
    assertLimited(await signIn(relays[1]!, '203.0.113.9', key), 'the sign-in on relay B');
    assert.equal((await api(relays[1]!, '203.0.113.10', key)).status, 200, 'another address is not held back');
  });
});
