import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { root } from '../../../server/paths.js';

/** A relative import's specifier: `from '…'` (imports, type imports, re-exports), `import('…')` and `import '…'`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every relative import (static, re-export, type-only or dynamic) of each .ts file under `folders`, as paths from the root. */
function importGraph(folders: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const text = readFileSync(path, 'utf8');
        const targets = [...text.matchAll(SPECIFIER)].map((m) => relative(root, resolve(dirname(path), m[1]!.replace(/\.js$/, '.ts'))));
        graph.set(relative(root, path), targets);
      }
    }
  };
  for (const folder of folders) walk(join(root, folder));
  return graph;
}

/** The first import cycle found, as the files around it (the first repeated at the end), or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    const at = path.indexOf(file);
    if (at >= 0) return [...path.slice(at), file];
    if (done.has(file)) return undefined;
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(file);
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

test('the relay and the protocol have no import cycle', () => {
  const graph = importGraph(['server', 'protocol']);
  assert.ok(graph.size > 50, `read the relay's files (${graph.size})`);
  assert.ok(graph.get('server/plugins/chat.ts')?.includes('server/chat/chat.ts'), 'follows the imports');
  assert.equal(findCycle(graph)?.join(' → '), undefined);
});

test('the cycle check finds a cycle, through type-only and dynamic imports too', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['b.ts']],
  ]);
  assert.deepEqual(findCycle(graph), ['b.ts', 'c.ts', 'b.ts']);
  const specifiers = "import type { X } from './x.js';\nconst y = await import('../y.js');\nexport { z } from './z.js';";
  const found = [...specifiers.matchAll(SPECIFIER)].map((m) => m[1]);
  assert.deepEqual(found, ['./x.js', '../y.js', './z.js']);
});

test('the stores import only the protocol, each other and the pg internals, each file in about 500 lines', () => {
  const graph = importGraph(['server/stores']);
  assert.ok(graph.size > 5, `read the stores' files (${graph.size})`);
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const allowed = target.startsWith('protocol/') || target.startsWith('server/stores/') || target === 'server/internals/pg.ts';
      assert.ok(allowed, `${file} imports ${target}`);
    }
    const lines = readFileSync(join(root, file), 'utf8').split('\n').length;
    assert.ok(lines <= 520, `${file} has ${lines} lines`);
  }
});
