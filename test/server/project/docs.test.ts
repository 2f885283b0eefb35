import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { httpErrorCode } from '../../../protocol/admin.js';
import { errorCode } from '../../../protocol/shapes.js';
import { root } from '../../../server/paths.js';

/** The manual: the README and every page of docs/. */
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The text outside fenced code blocks (a `# comment` in a shell block is no heading, a `[x](y)` in code no link). */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[^]*?^\1[ \t]*$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2 … */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = heading!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link's text only
      .replace(/<[^>]+>/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return result;
}

/** Every inline link and image target of a page: `[text](target)`, `![alt](target "title")`. */
function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[(?:[^\]]|\][^(])*?\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

test('the anchor rules follow GitHub', () => {
  assert.deepEqual(
    [...anchors('# Embedding and theming\n## Run several relays\n## TLS, through nginx\n## The widget\'s size\n## `GET /` and /metrics\n## Faults\n## Faults\n```sh\n# not a heading\n```\n')],
    ['embedding-and-theming', 'run-several-relays', 'tls-through-nginx', 'the-widgets-size', 'get--and-metrics', 'faults', 'faults-1'],
  );
});

test('the README and every docs/ page link only to files and headings that exist, inside the repository', () => {
  const broken: string[] = [];
  let checked = 0;
  for (const page of pages) {
    const markdown = readFileSync(join(root, page), 'utf8');
    for (const target of links(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …: not ours to check
      checked++;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path ? resolve(root, dirname(page), decodeURIComponent(path)) : join(root, page);
      if (relative(root, file).startsWith('..')) {
        broken.push(`${page}: ${target} leaves the repository`);
      } else if (!existsSync(file)) {
        broken.push(`${page}: ${target} (no such file)`);
      } else if (anchor !== undefined) {
        if (!file.endsWith('.md') || statSync(file).isDirectory()) broken.push(`${page}: ${target} (an anchor into a file that is not markdown)`);
        else if (!anchors(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${page}: ${target} (no such heading)`);
      }
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(checked > 50, `${checked} links checked`);
});

test('every docs/ page is linked from the README and from docs/README.md', () => {
  const targets = (page: string) => new Set(links(readFileSync(join(root, page), 'utf8')).map((t) => resolve(root, dirname(page), t.split('#')[0]!)));
  const fromReadme = targets('README.md');
  const fromIndex = targets('docs/README.md');
  for (const page of pages.filter((p) => p.startsWith('docs/') && p !== 'docs/README.md')) {
    assert.ok(fromReadme.has(join(root, page)), `README.md links to ${page}`);
    assert.ok(fromIndex.has(join(root, page)), `docs/README.md links to ${page}`);
  }
  assert.ok(fromReadme.has(join(root, 'docs/README.md')), 'README.md links to the index');
});

test('the README stays short: at most 250 lines, with the two commands that start and test it', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  assert.ok(readme.split('\n').length <= 250, `${readme.split('\n').length} lines`);
  assert.match(readme, /^npm install && npm start$/m);
  assert.match(readme, /^npm test$/m);
});

/** The source of a file of the repository. */
const source = (path: string) => readFileSync(join(root, path), 'utf8');

/** The keys of an interface of a TypeScript source: `name: (…) => void;` lines, comments aside. */
function interfaceKeys(code: string, name: string): string[] {
  const body = new RegExp(`export interface ${name} \\{([^]*?)\\n\\}`).exec(code)?.[1] ?? '';
  return [...body.matchAll(/^\s+(\w+):/gm)].map((m) => m[1]!);
}

test('docs/protocol.md names, as code, every event, error code and environment variable of the relay', () => {
  const page = source('docs/protocol.md');
  const events = source('protocol/events.ts');
  const clientEvents = interfaceKeys(events, 'ClientToServerEvents');
  const relayEvents = interfaceKeys(events, 'ServerToClientEvents');
  const handshakeCodes = [...(/HandshakeErrorCode =([^;]+);/.exec(source('protocol/shapes.ts'))?.[1] ?? '').matchAll(/'(\w+)'/g)].map((m) => m[1]!);
  const config = source('server/config.ts');
  const variables = [...new Set([...config.matchAll(/env\.([A-Z][A-Z0-9_]+)|'([A-Z][A-Z0-9_]+)'/g)].map((m) => (m[1] ?? m[2])!))];
  // So that a change of the sources' layout cannot make this test check nothing.
  assert.ok(clientEvents.length >= 13 && clientEvents.includes('report'), `client events: ${clientEvents}`);
  assert.ok(relayEvents.length >= 8 && relayEvents.includes('updated'), `relay events: ${relayEvents}`);
  assert.ok(handshakeCodes.length >= 5 && handshakeCodes.includes('origin_not_allowed'), `handshake codes: ${handshakeCodes}`);
  assert.ok(variables.length >= 20 && variables.includes('WEBHOOK_SECRET'), `variables: ${variables}`);
  const names = [...clientEvents, ...relayEvents, ...errorCode.options, ...httpErrorCode.options, ...handshakeCodes, ...variables];
  const missing = [...new Set(names)].filter((name) => !page.includes(`\`${name}\``));
  assert.deepEqual(missing, [], 'named in docs/protocol.md as `name`');
});
