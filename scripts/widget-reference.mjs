// Writes the widget reference of docs/widget.md from the JSDoc of
// widget/live-chat.ts (attributes, events, methods, parts, custom properties),
// so the two never drift. `--check` only compares, and fails when the page is
// out of date.
import { readFileSync, writeFileSync } from 'node:fs';

const source = readFileSync(new URL('../widget/live-chat.ts', import.meta.url), 'utf8');
const pageUrl = new URL('../docs/widget.md', import.meta.url);
const PAGE = 'docs/widget.md';
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

const page = readFileSync(pageUrl, 'utf8');
const from = page.indexOf(START);
const to = page.indexOf(END);
if (from < 0 || to < 0) throw new Error(`${PAGE} needs ${START} and ${END}`);
const updated = page.slice(0, from) + reference + page.slice(to + END.length);
if (process.argv.includes('--check')) {
  if (updated !== page) {
    console.error(`${PAGE}: the widget reference is out of date; run npm run docs`);
    process.exit(1);
  }
} else {
  writeFileSync(pageUrl, updated);
}
