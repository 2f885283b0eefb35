import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WRONG_KEYS } from '../../../server/http/wrong-keys.js';
import { connect, joined, msgId, next, request, startRelay, tempDir } from '../helpers.js';
import { spawnRelay } from '../cluster-helpers.js';
import { freshStreamName, redisUrl, skipWithoutRedis } from '../services.js';

/** The console's page and session: sign-in, the cookie, CSRF, several relays, sign-out, the socket ticket. */

const key = 'admin-key-for-tests-0123456789';

async function signIn(url: string, body: unknown = { key }, headers: Record<string, string> = { origin: url }) {
  const response = await fetch(`${url}/console/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any, cookie: response.headers.get('set-cookie'), headers: response.headers };
}

/** The cookie pair (`name=value`) a Set-Cookie holds. */
const pair = (setCookie: string | null) => setCookie!.split(';')[0]!;

test('GET /console: the page under a strict CSP, no framing; its script and stylesheet from the relay', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const page = await fetch(`${relay.url}/console`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type')!, /^text\/html/);
  const csp = page.headers.get('content-security-policy')!;
  for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]) assert.ok(csp.includes(directive), directive);
  assert.ok(!csp.includes('unsafe'), 'no unsafe-inline, no unsafe-eval');
  const html = await page.text();
  assert.doesNotMatch(html, /<script>|<style|style=/, 'no inline script or style');
  assert.match(html, /<live-chat-console>/);
  for (const path of ['/console/console.js', '/console/console.css']) {
    const response = await fetch(`${relay.url}${path}`);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  }
});

test('sign-in: a wrong key is refused, the right one sets an HttpOnly SameSite=Strict cookie that the admin API accepts', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const wrong = await signIn(relay.url, { key: 'not-the-key-at-all' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error.code, 'unauthorized');
  assert.equal(wrong.cookie, null);
  for (const body of [{}, { key: 5 }, { key, extra: 1 }, { key, name: 'bad\u0007name' }]) {
    assert.equal((await signIn(relay.url, body)).body.error.code, 'invalid_payload', JSON.stringify(body));
  }
  // From another origin, or with no Origin at all (a browser always sends one on POST): login CSRF.
  assert.equal((await signIn(relay.url, { key }, { origin: 'https://evil.example' })).status, 403);
  assert.equal((await signIn(relay.url, { key }, {})).status, 403);

  const right = await signIn(relay.url, { key, name: 'Rosa' });
  assert.equal(right.status, 200);
  assert.equal(right.body.name, 'Rosa');
  assert.ok(Math.abs(right.body.expiresAt - (Date.now() + 12 * 3600_000)) < 5000);
  const attributes = right.cookie!.split('; ');
  assert.match(attributes[0]!, /^live-chat-console=[\w-]+\.[\w-]+$/);
  for (const attribute of ['Path=/', 'Max-Age=43200', 'HttpOnly', 'SameSite=Strict']) assert.ok(attributes.includes(attribute), attribute);
  assert.ok(!attributes.includes('Secure'), 'plain HTTP: no Secure');
  assert.ok(!right.cookie!.includes(key), 'the key is never in the cookie');

  const cookie = pair(right.cookie);
  assert.deepEqual(await (await fetch(`${relay.url}/console/session`, { headers: { cookie } })).json(), right.body);
  assert.equal((await fetch(`${relay.url}/console/session`)).status, 401);
  assert.equal((await fetch(`${relay.url}/console/session`, { headers: { cookie: `${cookie}x` } })).status, 401, 'a forged signature');
  assert.equal((await fetch(`${relay.url}/api/rooms`, { headers: { cookie } })).status, 200);

  // A change with the cookie needs the relay's own Origin (CSRF); the audit log names the console user.
  const patch = (headers: Record<string, string>) =>
    fetch(`${relay.url}/api/rooms/lobby/settings`, { method: 'PATCH', headers: { 'content-type': 'application/json', cookie, ...headers }, body: '{"paused":true}' });
  const forged = await patch({ origin: 'https://evil.example' });
  assert.equal(forged.status, 403);
  assert.equal(((await forged.json()) as any).error.code, 'forbidden');
  assert.equal((await patch({})).status, 403);
  assert.equal((await patch({ origin: relay.url })).status, 200);
  const audit = (await (await fetch(`${relay.url}/api/rooms/lobby/audit`, { headers: { cookie } })).json()) as any;
  assert.deepEqual(audit.entries[0].actor, { id: 'admin', name: 'Rosa', verified: true, role: 'moderator' });
});

test('sign-in attempts are limited per address: WRONG_KEYS failures, then 429 with retryAfterMs, even for the right key', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key, trustProxy: true });
  const from = (address: string, body: unknown = { key: 'wrong-wrong-wrong' }) => signIn(relay.url, body, { origin: relay.url, 'x-forwarded-for': address });
  // Successes do not count.
  for (let i = 0; i < WRONG_KEYS.points + 1; i++) assert.equal((await from('203.0.113.1', { key })).status, 200);
  for (let i = 0; i < WRONG_KEYS.points; i++) assert.equal((await from('203.0.113.1')).status, 401);
  const limited = await from('203.0.113.1', { key });
  assert.equal(limited.status, 429);
  assert.equal(limited.body.error.code, 'rate_limited');
  assert.ok(limited.body.error.retryAfterMs > 0 && limited.body.error.retryAfterMs <= WRONG_KEYS.windowMs);
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  // Another address is not held back (the API shares this budget: key-guesses.test.ts).
  assert.equal((await from('203.0.113.2', { key })).status, 200);
});

test('behind a TLS proxy (TRUST_PROXY) the cookie is Secure and __Host-; the Origin checked is the public one', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key, trustProxy: true });
  const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'chat.example.com' };
  const right = await signIn(relay.url, { key }, { ...proxied, origin: 'https://chat.example.com' });
  assert.equal(right.status, 200, JSON.stringify(right.body));
  assert.match(right.cookie!, /^__Host-live-chat-console=/);
  assert.ok(right.cookie!.split('; ').includes('Secure'));
  const cookie = pair(right.cookie);
  const call = (origin: string) =>
    fetch(`${relay.url}/api/rooms/lobby/settings`, { method: 'PATCH', headers: { 'content-type': 'application/json', cookie, origin, ...proxied }, body: '{}' });
  assert.equal((await call('https://chat.example.com')).status, 200);
  assert.equal((await call('http://chat.example.com')).status, 403, 'the http origin is another origin');

  // Signing out clears the __Host- cookie, with the attributes the browser insists on for that name.
  const out = await fetch(`${relay.url}/console/session`, { method: 'DELETE', headers: { cookie, origin: 'https://chat.example.com', ...proxied } });
  assert.equal(out.status, 204);
  const cleared = out.headers.get('set-cookie')!.split('; ');
  assert.equal(cleared[0], '__Host-live-chat-console=');
  for (const attribute of ['Path=/', 'Max-Age=0', 'HttpOnly', 'SameSite=Strict', 'Secure']) assert.ok(cleared.includes(attribute), attribute);
  assert.ok(!cleared.some((attribute) => attribute.startsWith('Domain=')), 'no Domain');
  assert.equal((await fetch(`${relay.url}/api/rooms`, { headers: { cookie, ...proxied } })).status, 401, 'signed out');
});

test('with several relays a session works on any of them; signing out ends it and closes the console connection', async (t) => {
  const a = await startRelay(t, { adminApiKey: key });
  const b = await startRelay(t, { adminApiKey: key }, tempDir(t));
  const other = await startRelay(t, { adminApiKey: 'another-admin-key-0123456789' }, tempDir(t));
  const cookie = pair((await signIn(a.url)).cookie);
  assert.equal((await fetch(`${b.url}/api/rooms`, { headers: { cookie } })).status, 200, 'made on A, good on B');
  assert.equal((await fetch(`${other.url}/api/rooms`, { headers: { cookie } })).status, 401, 'not with another key');

  // The console's socket: a one-minute ticket, fetched with the cookie from the relay's own origin.
  const ticketFor = (url: string, headers: Record<string, string>) => fetch(`${url}/console/ticket`, { method: 'POST', headers });
  assert.equal((await ticketFor(a.url, { cookie, origin: 'https://evil.example' })).status, 403);
  assert.equal((await ticketFor(a.url, { origin: a.url })).status, 401);
  const { ticket } = (await (await ticketFor(a.url, { cookie, origin: a.url })).json()) as { ticket: string };
  await assert.rejects(connect(t, a.url, { console: 'forged.ticket' } as never), /unauthorized/);
  await assert.rejects(connect(t, a.url, { console: cookie.split('=')[1] } as never), /unauthorized/, 'a session token is no ticket');
  const ann = await joined(t, a.url, 'lobby', { name: 'ann' });
  const sent = await request(ann.socket, 'send', { room: 'lobby', text: 'hello', clientMsgId: msgId() });
  const console_ = await connect(t, a.url, { console: ticket } as never);
  const join = await request(console_, 'join', { room: 'lobby' });
  assert.deepEqual(join.self, { id: 'admin', name: 'admin', verified: true, role: 'moderator' });
  const deleted = next(ann.socket, 'deleted');
  assert.equal((await request(console_, 'delete', { room: 'lobby', seq: sent.message.seq })).ok, true);
  await deleted;

  const closed = next(console_, 'disconnect');
  const out = await fetch(`${b.url}/console/session`, { method: 'DELETE', headers: { cookie, origin: b.url } });
  assert.equal(out.status, 204);
  const cleared = out.headers.get('set-cookie')!.split('; ');
  assert.equal(cleared[0], 'live-chat-console=');
  for (const attribute of ['Path=/', 'Max-Age=0', 'HttpOnly', 'SameSite=Strict']) assert.ok(cleared.includes(attribute), attribute);
  // Revoked on B, in B's memory: A (no shared Redis here) still knows nothing, so only B refuses;
  // with REDIS_URL every relay would (docs/console.md).
  assert.equal((await fetch(`${b.url}/api/rooms`, { headers: { cookie } })).status, 401);
  await assert.rejects(closed, /no disconnect/, 'B cannot reach A’s sockets without Redis');
  const outOnA = await fetch(`${a.url}/console/session`, { method: 'DELETE', headers: { cookie, origin: a.url } });
  assert.equal(outOnA.status, 204);
  assert.equal((await fetch(`${a.url}/api/rooms`, { headers: { cookie } })).status, 401);
  assert.equal(console_.connected, false, 'its connection closed');
  await assert.rejects(connect(t, a.url, { console: ticket } as never), /unauthorized/, 'its tickets die with it');
});

for (const shared of ['one relay', 'two relays sharing Redis'] as const) {
  test(`a socket ticket opens one connection, once (${shared})`, { skip: shared !== 'one relay' && skipWithoutRedis }, async (t) => {
    // Two relay processes sharing Redis, as in production (each its own SQLite file: only Redis is shared here).
    const env = { ADMIN_API_KEY: key, REDIS_URL: redisUrl!, REDIS_PREFIX: freshStreamName() };
    const a = shared === 'one relay' ? await startRelay(t, { adminApiKey: key }) : await spawnRelay(t, env);
    const b = shared === 'one relay' ? a : await spawnRelay(t, env);
    const cookie = pair((await signIn(a.url)).cookie);
    const { ticket } = (await (await fetch(`${a.url}/console/ticket`, { method: 'POST', headers: { cookie, origin: a.url } })).json()) as { ticket: string };
    const first = await connect(t, a.url, { console: ticket } as never);
    assert.ok((await request(first, 'join', { room: 'lobby' })).ok);
    // Within its minute, a copy of the ticket opens nothing more, on this relay or another.
    await assert.rejects(connect(t, b.url, { console: ticket } as never), /unauthorized/);
    await assert.rejects(connect(t, a.url, { console: ticket } as never), /unauthorized/);
    // A new ticket of the same session does.
    const again = (await (await fetch(`${b.url}/console/ticket`, { method: 'POST', headers: { cookie, origin: b.url } })).json()) as { ticket: string };
    assert.ok((await request(await connect(t, b.url, { console: again.ticket } as never), 'join', { room: 'lobby' })).ok);
  });
}

test('with two console cookies (one planted by another page of the host, on a narrower path) the one that holds is used', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const cookie = pair((await signIn(relay.url)).cookie);
  // Browsers send the cookie of the longer path first: the planted junk comes before the real one.
  const both = `live-chat-console=junk.junk; ${cookie}`;
  assert.equal((await fetch(`${relay.url}/api/rooms`, { headers: { cookie: both } })).status, 200);
  assert.equal((await fetch(`${relay.url}/console/session`, { headers: { cookie: both } })).status, 200);
  assert.equal((await fetch(`${relay.url}/api/rooms`, { headers: { cookie: 'live-chat-console=junk.junk' } })).status, 401);
});
