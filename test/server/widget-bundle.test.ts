import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { widgetDir } from '../../server/paths.js';

/** Every byte of the widget is paid by every visitor: the build fails above the budget. */
const GZIP_BUDGET_BYTES = 25_600; // 25 KiB

test(`the whole widget is at most ${GZIP_BUDGET_BYTES} bytes gzip`, (t) => {
  const bundle = readFileSync(join(widgetDir, 'live-chat.js'));
  const gzip = gzipSync(bundle, { level: 9 }).length;
  const brotli = brotliCompressSync(bundle).length;
  t.diagnostic(`live-chat.js: ${bundle.length} B raw, ${gzip} B gzip, ${brotli} B brotli`);
  assert.ok(gzip <= GZIP_BUDGET_BYTES, `${gzip} B gzip is over the ${GZIP_BUDGET_BYTES} B budget`);
});

test('the widget is one self-contained classic script that adds no globals', () => {
  const bundle = readFileSync(join(widgetDir, 'live-chat.js'), 'utf8');
  assert.doesNotMatch(bundle, /^\s*(import|export)\s/m, 'no module syntax');
  assert.doesNotMatch(bundle, /\brequire\(/, 'no CommonJS left over');
  assert.match(bundle, /^!?\(?function|^\(\(\)=>|^!function/, 'wrapped in one function');
  assert.doesNotMatch(bundle, /\beval\(|new Function\(/, 'nothing a strict CSP forbids');
});
