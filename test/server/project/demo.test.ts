import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { demoDir } from '../../../server/paths.js';
import { startRelay } from '../helpers.js';

/** The page's CSP as a map of directive → its sources. */
function directives(header: string | null): Map<string, string[]> {
  assert.ok(header, 'the page sends a Content-Security-Policy');
  return new Map(header.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));
}

test('GET / sends a Content-Security-Policy: its own script and styles only, sockets to itself, no framing by other sites', async (t) => {
  const relay = await startRelay(t);
  const response = await fetch(`${relay.url}/`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(response.headers.get('cache-control'), 'no-cache');
  const csp = directives(response.headers.get('content-security-policy'));
  const host = new URL(relay.url).host;
  assert.deepEqual(csp.get('script-src'), ["'self'"]);
  assert.deepEqual(csp.get('style-src'), ["'self'"]);
  assert.deepEqual(csp.get('connect-src'), ["'self'", `ws://${host}`, `wss://${host}`]);
  assert.deepEqual(csp.get('img-src'), ["'self'", 'https:', 'data:']);
  assert.deepEqual(csp.get('frame-ancestors'), ["'self'"]);
  assert.deepEqual(csp.get('object-src'), ["'none'"]);
});

test('a Host header that could end a CSP directive adds no source', async (t) => {
  const relay = await startRelay(t);
  const response = await relay.app.inject({ url: '/', headers: { host: "evil.example; script-src 'unsafe-inline'" } });
  const csp = directives(response.headers['content-security-policy'] as string);
  assert.deepEqual(csp.get('connect-src'), ["'self'"]);
  assert.deepEqual(csp.get('script-src'), ["'self'"]);
});

test('the page has no inline script, style or style attribute, and loads /demo.css and /demo.js', () => {
  const page = readFileSync(join(demoDir, 'index.html'), 'utf8');
  assert.doesNotMatch(page, /<style\b/);
  assert.doesNotMatch(page, /\sstyle=/);
  assert.doesNotMatch(page, /\son[a-z]+=/, 'no inline event handler');
  const scripts = [...page.matchAll(/<script\b([^>]*)>([^]*?)<\/script>/g)];
  assert.deepEqual(
    scripts.map(([, attrs, body]) => [/src="([^"]+)"/.exec(attrs!)?.[1], body]),
    [
      ['/live-chat.js', ''],
      ['/demo.js', ''],
    ],
  );
  assert.match(page, /<link rel="stylesheet" href="\/demo\.css" \/>/);
});

test('GET /demo.css and /demo.js are the demo folder’s files, with their types, revalidated by ETag', async (t) => {
  const relay = await startRelay(t);
  for (const [file, type] of [
    ['demo.css', 'text/css; charset=utf-8'],
    ['demo.js', 'text/javascript; charset=utf-8'],
  ] as const) {
    const response = await fetch(`${relay.url}/${file}`);
    assert.equal(response.status, 200, file);
    assert.equal(response.headers.get('content-type'), type);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await response.text(), readFileSync(join(demoDir, file), 'utf8'));
    const etag = response.headers.get('etag')!;
    assert.ok(etag);
    assert.equal((await fetch(`${relay.url}/${file}`, { headers: { 'if-none-match': etag } })).status, 304);
  }
});

test('nothing else of the demo folder, or above it, is served', async (t) => {
  const relay = await startRelay(t);
  for (const path of ['/index.html', '/demo/index.html', '/demo/demo.js', '/../package.json', '/%2e%2e/package.json', '/demo.css.map']) {
    const response = await relay.app.inject({ url: path });
    assert.equal(response.statusCode, 404, path);
  }
});

test('the page has its landmarks, one h1 and no skipped heading level, and the Copy button above the code, not over it', () => {
  const page = readFileSync(join(demoDir, 'index.html'), 'utf8');
  for (const landmark of [/<header\b/, /<nav aria-label="Main">/, /<main id="main">/, /<footer\b/]) assert.match(page, landmark);
  const levels = [...page.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
  assert.equal(levels[0], 1);
  assert.equal(levels.filter((l) => l === 1).length, 1);
  levels.forEach((level, i) => assert.ok(i === 0 || level <= levels[i - 1]! + 1, `h${level} after h${levels[i - 1]}`));
  // In the flow above the <pre>, so on a phone it cannot cover the code's long lines.
  assert.match(page, /<div class="code-head">[^<]*<h3[^]*?<button type="button" class="copy" id="copy">Copy<\/button>\s*<\/div>\s*<pre class="code"/);
  assert.doesNotMatch(readFileSync(join(demoDir, 'demo.css'), 'utf8'), /\.copy\s*\{[^}]*position:\s*absolute/);
});
