// Writes the README's widget reference from the JSDoc of widget/live-chat.ts
// (attributes, events, methods, parts, custom properties), so the two never
// drift. `--check` only compares, and fails when the README is out of date.
import { readFileSync, writeFileSync } from 'node:fs';

const source = readFileSync(new URL('../widget/live-chat.ts', import.meta.url), 'utf8');
const readmeUrl = new URL('../README.md', import.meta.url);
const START = '<!-- widget-reference:start -->';
const END = '<!-- widget-reference:end -->';

const classDoc = /\/\*\*([\s\S]*?)\*\/\s*export class LiveChat/.exec(source)[1];
const tags = (name) =>
  [...classDoc.matchAll(new RegExp(`@${name} (\\S+) - ([^\\n]*)`, 'g'))].map(([, key, text]) => [key, text.trim()]);
// Public methods: a JSDoc comment, then `name(args): type {` with no modifier.
const methods = [...source.matchAll(/\/\*\* ([^*]*?) \*\/\n {2}([a-z]\w*)\(([^)]*)\): \w+ \{/g)].map(([, text, name, args]) => [
  `${name}(${args})`,
  text.trim(),
]);

const table = (head, rows) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| \`${r[0]}\` | ${r[1]} |`)].join('\n');

const reference = [
  START,
  '',
  '### Attributes',
  '',
  table(['attribute', 'meaning'], tags('attr')),
  '',
  '### Methods',
  '',
  table(['method', 'what it does'], methods),
  '',
  '### Events',
  '',
  'Each is a typed `Event` subclass that bubbles and crosses the shadow boundary (`composed`).',
  '',
  table(['event', 'when'], tags('fires')),
  '',
  '### Parts',
  '',
  'Style them from the page with `live-chat::part(name)`.',
  '',
  table(['part', 'what'], tags('csspart')),
  '',
  '### Custom properties',
  '',
  table(['property', 'what'], tags('cssprop')),
  '',
  END,
].join('\n');

const readme = readFileSync(readmeUrl, 'utf8');
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < 0) throw new Error(`README.md needs ${START} and ${END}`);
const updated = readme.slice(0, from) + reference + readme.slice(to + END.length);
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md: the widget reference is out of date; run npm run docs');
    process.exit(1);
  }
} else {
  writeFileSync(readmeUrl, updated);
}
