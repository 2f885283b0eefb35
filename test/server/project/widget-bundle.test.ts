import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { widgetDir } from '../../../server/paths.js';

/** Every byte of the widget is paid by every visitor (Lit and socket.io-client inside): the build fails above the budget. */
const GZIP_BUDGET_BYTES = 34_000;
/** The moderator tools come on top, for moderators only: kept small too. */
const MODERATOR_GZIP_BUDGET_BYTES = 5_000;

function sizes(t: { diagnostic(message: string): void }, name: string): number {
  const bundle = readFileSync(join(widgetDir, name));
  const gzip = gzipSync(bundle, { level: 9 }).length;
  t.diagnostic(`${name}: ${bundle.length} B raw, ${gzip} B gzip, ${brotliCompressSync(bundle).length} B brotli`);
  return gzip;
}

test(`the visitor's widget is at most ${GZIP_BUDGET_BYTES} bytes gzip`, (t) => {
  const gzip = sizes(t, 'live-chat.js');
  assert.ok(gzip <= GZIP_BUDGET_BYTES, `${gzip} B gzip is over the ${GZIP_BUDGET_BYTES} B budget`);
  // engine.io-client's WebTransport transport, which no client of ours uses, is left out (rollup.config.mjs).
  assert.doesNotMatch(readFileSync(join(widgetDir, 'live-chat.js'), 'utf8'), /return"webtransport"/, 'no WebTransport transport');
});

test(`the moderator tools are a second script of at most ${MODERATOR_GZIP_BUDGET_BYTES} bytes gzip, without a second Lit or Socket.IO client`, (t) => {
  const gzip = sizes(t, 'live-chat-moderator.js');
  assert.ok(gzip <= MODERATOR_GZIP_BUDGET_BYTES, `${gzip} B gzip is over the ${MODERATOR_GZIP_BUDGET_BYTES} B budget`);
  const bundle = readFileSync(join(widgetDir, 'live-chat-moderator.js'), 'utf8');
  assert.doesNotMatch(bundle, /\$lit|lit-html/, 'renders with the widget\'s Lit, handed over by the hook');
  // Its requests go through the widget's connection (the hook's ChatController).
  const socketIo = /io server disconnect|transport close/;
  assert.match(readFileSync(join(widgetDir, 'live-chat.js'), 'utf8'), socketIo, 'the visitor script holds socket.io-client');
  assert.doesNotMatch(bundle, socketIo, 'no second socket.io-client');
  // And the visitor's script does not carry the moderators' forms.
  assert.doesNotMatch(readFileSync(join(widgetDir, 'live-chat.js'), 'utf8'), /Ban for|Room settings/);
});

test('the languages but English are scripts of their own, which visitors of other pages never download', (t) => {
  const visitor = readFileSync(join(widgetDir, 'live-chat.js'), 'utf8');
  assert.match(visitor, /Be the first to say hello/);
  assert.doesNotMatch(visitor, /Soyez le premier/, 'no French in every visitor\'s script');
  const french = readFileSync(join(widgetDir, 'live-chat-fr.js'), 'utf8');
  assert.match(french, /Soyez le premier/);
  assert.doesNotMatch(french, /\$lit|lit-html|io server disconnect/, 'strings only, no second Lit or Socket.IO client');
  assert.ok(sizes(t, 'live-chat-fr.js') <= 2_000);
});

for (const name of ['live-chat.js', 'live-chat-moderator.js', 'live-chat-fr.js']) {
  test(`${name} is one self-contained classic script that adds no globals`, () => {
    const bundle = readFileSync(join(widgetDir, name), 'utf8');
    assert.doesNotMatch(bundle, /^\s*(import|export)\s/m, 'no module syntax');
    assert.doesNotMatch(bundle, /\brequire\(/, 'no CommonJS left over');
    assert.match(bundle, /^!?\(?function|^\(\(\)=>|^!function/, 'wrapped in one function');
    assert.doesNotMatch(bundle, /\beval\(|new Function\(/, 'nothing a strict CSP forbids');
  });
}
