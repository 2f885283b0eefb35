import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { widgetDir } from '../../../server/paths.js';
import { startRelay } from '../helpers.js';

test('GET /healthz answers 200', async (t) => {
  const relay = await startRelay(t);
  const response = await fetch(`${relay.url}/healthz`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'ok' });
});

test('GET /live-chat.js is the built widget, cacheable and loadable from any origin', async (t) => {
  const relay = await startRelay(t);
  const built = readFileSync(join(widgetDir, 'live-chat.js'));
  const response = await fetch(`${relay.url}/live-chat.js`, {
    headers: { origin: 'https://some-blog.example', 'accept-encoding': 'identity' },
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type')!, /^text\/javascript/);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.equal(response.headers.get('cross-origin-resource-policy'), 'cross-origin');
  assert.match(response.headers.get('cache-control')!, /public, max-age=\d+/);
  assert.deepEqual(Buffer.from(await response.arrayBuffer()), built);
  assert.match(built.toString(), /sourceMappingURL=live-chat\.js\.map/);

  const etag = response.headers.get('etag')!;
  const revalidated = await fetch(`${relay.url}/live-chat.js`, { headers: { 'if-none-match': etag } });
  assert.equal(revalidated.status, 304);

  const map = await fetch(`${relay.url}/live-chat.js.map`);
  assert.equal(map.status, 200);
  assert.ok(Array.isArray((await map.json()).sources));
});

test('GET /live-chat.js is sent compressed to clients that accept it', async (t) => {
  const relay = await startRelay(t);
  const built = readFileSync(join(widgetDir, 'live-chat.js'));
  // node:http rather than fetch, which would decompress transparently.
  const { request } = await import('node:http');
  const body = await new Promise<{ encoding?: string; data: Buffer }>((resolve, reject) => {
    request(`${relay.url}/live-chat.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ encoding: res.headers['content-encoding'], data: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
  assert.equal(body.encoding, 'gzip');
  assert.deepEqual(gunzipSync(body.data), built);
  assert.ok(body.data.length < built.length / 2);
});

test('GET / is the showcase: a headline and the live chat first, then features, the embed builder and a launcher on an article', async (t) => {
  const relay = await startRelay(t);
  const response = await fetch(`${relay.url}/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type')!, /^text\/html/);
  assert.ok(response.headers.get('content-security-policy'), 'the page still sends its CSP');
  const page = await response.text();
  assert.match(page, /<script src="\/live-chat\.js" defer><\/script>/);
  // One headline, and the live chat in the same first section (on a phone, right below it).
  assert.equal([...page.matchAll(/<h1\b/g)].length, 1);
  assert.match(page, /<section class="hero" id="try"[^]*<h1 id="title">Live chat for any site, in one script tag\.<\/h1>[^]*<live-chat room="lobby"><\/live-chat>[^]*<\/section>/);
  assert.match(page, /<select id="theme">/);
  assert.match(page, /<select id="lang">/);
  // Developer material further down, in this order: the builder, then the launcher on an article.
  const order = ['id="try"', 'id="features"', '<form id="builder"', '<code id="snippet">', 'id="page-article"'].map((s) => page.indexOf(s));
  assert.ok(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!)), `sections in order: ${order}`);
  assert.match(page, /<div id="page-article">[^]*<live-chat room="lobby" mode="launcher"><\/live-chat>[^]*<\/section>/);
  // Operators' links are in the footer, not in the main navigation.
  const nav = /<nav aria-label="Main">([^]*?)<\/nav>/.exec(page)?.[1];
  assert.ok(nav, 'a main navigation');
  assert.doesNotMatch(nav, /metrics|openapi/i);
  assert.match(/<footer\b[^]*<\/footer>/.exec(page)![0], /href="\/metrics"[^]*href="\/openapi\.json"/);
});

test('unknown routes answer 404 with a JSON error', async (t) => {
  const relay = await startRelay(t);
  const response = await fetch(`${relay.url}/nope`);
  assert.equal(response.status, 404);
});

/** A GET through node:http (fetch would decompress and add its own Accept-Encoding). */
async function rawGet(url: string, headers: Record<string, string>) {
  const { request } = await import('node:http');
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; data: Buffer }>((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, data: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

test('Accept-Encoding is negotiated with q-values; each encoding has its own ETag; If-None-Match takes lists and weak tags', async (t) => {
  const relay = await startRelay(t);
  const url = `${relay.url}/live-chat.js`;
  const cases: [string | undefined, string | undefined][] = [
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0.5, br;q=0.8', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['identity', undefined],
    ['br;q=0, gzip;q=0', undefined],
    [undefined, undefined],
  ];
  const etags = new Set<string>();
  for (const [accept, expected] of cases) {
    const response = await rawGet(url, accept === undefined ? {} : { 'accept-encoding': accept });
    assert.equal(response.status, 200, String(accept));
    assert.equal(response.headers['content-encoding'], expected, `Accept-Encoding: ${accept}`);
    assert.ok(response.headers.vary?.includes('accept-encoding'));
    etags.add(String(response.headers.etag));
  }
  assert.equal(etags.size, 3, 'br, gzip and identity each have their own ETag');
  const refused = await rawGet(url, { 'accept-encoding': 'br;q=0, gzip;q=0, identity;q=0' });
  assert.equal(refused.status, 406);
  assert.equal(JSON.parse(refused.data.toString()).error.code, 'invalid_payload');

  const brTag = (await rawGet(url, { 'accept-encoding': 'br' })).headers.etag as string;
  for (const ifNoneMatch of [`"nope", ${brTag}`, `W/${brTag}`, '*', `W/"x",W/${brTag}`]) {
    assert.equal((await rawGet(url, { 'accept-encoding': 'br', 'if-none-match': ifNoneMatch })).status, 304, ifNoneMatch);
  }
  assert.equal((await rawGet(url, { 'accept-encoding': 'br', 'if-none-match': '"other"' })).status, 200);
});

test('headers too large, a malformed request and a lower-case bearer scheme: the contract\'s error shape, and RFC 9110', async (t) => {
  const key = 'an-admin-key-of-16+';
  const relay = await startRelay(t, { adminApiKey: key });
  const { connect } = await import('node:net');
  const raw = (text: string) =>
    new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(relay.url).port), '127.0.0.1', () => socket.write(text));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk));
      socket.on('close', () => resolve(answer));
      socket.on('error', () => resolve(answer));
    });
  const huge = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  assert.match(huge, /^HTTP\/1\.1 431 /);
  assert.equal(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4)).error.code, 'invalid_payload');
  const garbage = await raw('THIS IS NOT HTTP\r\n\r\n');
  assert.match(garbage, /^HTTP\/1\.1 400 /);
  assert.equal(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4)).error.code, 'invalid_payload');

  const posted = await fetch(`${relay.url}/api/rooms/lobby/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `bearer ${key}` },
    body: JSON.stringify({ text: 'hi', author: { id: 'bot', name: 'Bot' } }),
  });
  assert.equal(posted.status, 201, 'the scheme is case-insensitive');
});

test('the widget is sent as the build compressed it: the .br and .gz written beside live-chat.js', async (t) => {
  const relay = await startRelay(t);
  for (const [accept, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    for (const name of ['live-chat.js', 'live-chat.js.map', 'live-chat-moderator.js']) {
      const response = await rawGet(`${relay.url}/${name}`, { 'accept-encoding': accept });
      assert.equal(response.headers['content-encoding'], accept, name);
      assert.deepEqual(response.data, readFileSync(join(widgetDir, name + suffix)), `${name}${suffix}`);
    }
  }
});

test('every static file (widget, demo, console) answers If-None-Match lists, weak tags and * alike', async (t) => {
  const relay = await startRelay(t);
  for (const path of ['/live-chat.js', '/demo.js', '/', '/console/console.js', '/console/console.css']) {
    const first = await rawGet(`${relay.url}${path}`, { 'accept-encoding': 'identity' });
    assert.equal(first.status, 200, path);
    const etag = first.headers.etag as string;
    assert.match(etag, /^"[^"]+"$/, `${path}: a strong ETag`);
    for (const ifNoneMatch of [etag, `"nope", ${etag}`, `W/${etag}`, '*', `W/"x",W/${etag}`]) {
      const again = await rawGet(`${relay.url}${path}`, { 'accept-encoding': 'identity', 'if-none-match': ifNoneMatch });
      assert.equal(again.status, 304, `${path} If-None-Match: ${ifNoneMatch}`);
      assert.equal(again.headers.etag, etag, path);
    }
    assert.equal((await rawGet(`${relay.url}${path}`, { 'if-none-match': '"other"' })).status, 200, path);
  }
});
