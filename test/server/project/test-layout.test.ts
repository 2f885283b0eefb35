import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { root } from '../../../server/paths.js';

/** Every relay test file, as a path from the root, however deep. */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

/** A shell pattern as sh (dash) expands it: `*` is any name part, never a `/`, and `**` is no more. */
const shellPattern = (pattern: string) =>
  new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.?+^$()[\]{}|\\]/g, '\\$&')).join('[^/]*')}$`);

test('npm run test:server names every relay test file, at any depth, in patterns sh expands', () => {
  // npm runs the script with sh, which has no globstar; Node 20's --test
  // expands no pattern itself: a file the patterns miss never runs, silently.
  const script: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['test:server'];
  const patterns = script.split(/\s+/).filter((word) => word.startsWith('test/server/')).map(shellPattern);
  assert.ok(patterns.length > 0, script);
  const files = testFiles(join(root, 'test/server'));
  assert.ok(files.length > 40, `found ${files.length} test files`);
  assert.deepEqual(files.filter((file) => !patterns.some((pattern) => pattern.test(file))), []);
  assert.ok(shellPattern('test/server/*/*.test.ts').test('test/server/chat/names.test.ts'));
  assert.ok(!shellPattern('test/server/*/*.test.ts').test('test/server/chat/deeper/names.test.ts'), 'a * takes no /');
});
