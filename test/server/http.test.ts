import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { widgetDir } from '../../server/paths.js';
import { startRelay } from './helpers.js';

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

test('GET / is the showcase: a live event (inline), an article (launcher), theme and language switches, the embed builder, metrics', async (t) => {
  const relay = await startRelay(t);
  const response = await fetch(`${relay.url}/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type')!, /^text\/html/);
  const page = await response.text();
  assert.match(page, /<script src="\/live-chat\.js" defer><\/script>/);
  assert.match(page, /<section id="page-event"[^]*<live-chat room="lobby"><\/live-chat>[^]*<\/section>/);
  assert.match(page, /<section id="page-article"[^]*<live-chat room="lobby" mode="launcher"><\/live-chat>[^]*<\/section>/);
  assert.match(page, /<select id="theme">/);
  assert.match(page, /<select id="lang">/);
  assert.match(page, /<form id="builder"/);
  assert.match(page, /<code id="snippet">/);
  assert.match(page, /href="\/metrics"/);
});

test('unknown routes answer 404 with a JSON error', async (t) => {
  const relay = await startRelay(t);
  const response = await fetch(`${relay.url}/nope`);
  assert.equal(response.status, 404);
});
