// The widget package (widget/package.json, `live-chat-widget`) as a site
// gets it: `npm pack` in widget/ (which builds through prepack), then a new
// Vite project that installs that tarball, React and Vite, and nothing of the
// relay. Its React page uses the typed wrapper (`live-chat-widget/react`), its
// plain page the element itself (`live-chat-widget`); both are built by Vite
// and opened in Chromium against a real relay. Slow by nature (two installs,
// two builds); needs the npm registry (or the npm cache) and Chromium.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { after, before, test } from 'node:test';
import puppeteer, { type Page } from 'puppeteer-core';
import { root } from '../../../server/paths.js';
import { startRelay } from '../helpers.js';
import { pack, run, typeCheck } from './npm.js';

const { chromiumArgs, chromiumPath } = (await import('../../../scripts/chromium.mjs' as string)) as {
  chromiumArgs: string[];
  chromiumPath(): string | undefined;
};

const work = mkdtempSync(join(tmpdir(), 'live-chat-widget-package-'));
const site = join(work, 'site');
after(() => rmSync(work, { recursive: true, force: true }));

/** What a site's own code looks like: a React page with the typed wrapper, and a plain page. */
const sources: Record<string, string> = {
  'index.html': `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>React</title></head>
<body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>
`,
  'plain.html': `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Plain</title>
<script type="module">import 'live-chat-widget';</script></head>
<body><live-chat server="%RELAY%" room="together" name="Hana"></live-chat></body></html>
`,
  'src/main.tsx': `import { useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { LiveChat, type LiveChatElement, type Message } from 'live-chat-widget/react';

function App({ server }: { server: string }) {
  const chat = useRef<LiveChatElement>(null);
  const [last, setLast] = useState('');
  const [online, setOnline] = useState(false);
  return (
    <>
      <LiveChat
        ref={chat}
        server={server}
        room="together"
        name="Ravi"
        theme="auto"
        onConnect={() => setOnline(true)}
        onMessage={(event) => {
          const message: Message = event.message;
          setLast(\`\${message.author.name}: \${message.text}\`);
        }}
      />
      <p id="last">Last message: {last}</p>
      <button disabled={!online} onClick={() => chat.current?.send('Hello!')}>Say hello</button>
    </>
  );
}

// @ts-expect-error mode is 'inline' | 'launcher' (fails if the wrapper's props were any)
export const wrong = <LiveChat room="x" mode="sideways" />;

createRoot(document.getElementById('root')!).render(<App server={new URL(location.href).searchParams.get('server')!} />);
`,
  'vite.config.js': `import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
export default defineConfig({ plugins: [react()], build: { rollupOptions: { input: ['index.html', 'plain.html'] } } });
`,
};

let files: string[] = [];

before(
  async () => {
    const report = await pack(join(root, 'widget'), work);
    files = report.files;

    mkdirSync(join(site, 'src'), { recursive: true });
    writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'site', private: true, type: 'module' }, null, 2));
    for (const [name, text] of Object.entries(sources)) writeFileSync(join(site, name), text);
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--loglevel=warn',
        'vite@8.4.1',
        '@vitejs/plugin-react@6.3.1',
        'react@19.3.1',
        'react-dom@19.3.1',
        '@types/react@19.3.0',
        '@types/react-dom@19.3.0',
        join(work, report.filename),
      ],
      site,
    );
  },
  { timeout: 15 * 60_000 },
);

test('the widget tarball holds the element, its types, the React wrapper, the one-script build and the manifest, and nothing else', () => {
  for (const file of [
    'package.json',
    'README.md',
    'LICENSE',
    'custom-elements.json',
    'dist/esm/widget/module.js',
    'dist/esm/widget/module.d.ts',
    'dist/esm/widget/react.js',
    'dist/esm/widget/react.d.ts',
    'dist/esm/widget/live-chat.d.ts',
    'dist/live-chat.js',
  ]) {
    assert.ok(files.includes(file), `${file} is packed`);
  }
  const unwanted = files.filter((file) => /^(dist\/esm\/server|server|test|src)\//.test(file) || /(?<!\.d)\.ts$/.test(file) || file.includes('moderator/'));
  assert.deepEqual(unwanted, []);
});

/** Every package the widget package brings, by walking `npm ls` from it. */
async function widgetTree(): Promise<Map<string, string>> {
  const { stdout } = await run('npm', ['ls', '--all', '--json', '--long'], site);
  type Node = { path?: string; dependencies?: Record<string, Node> };
  const found = new Map<string, string>();
  const walk = (name: string, node: Node) => {
    if (found.has(name)) return;
    if (node.path) found.set(name, node.path);
    for (const [child, next] of Object.entries(node.dependencies ?? {})) walk(child, next);
  };
  walk('live-chat-widget', (JSON.parse(stdout) as Node).dependencies!['live-chat-widget']!);
  return found;
}

test('the widget package brings no relay dependency and no native module', async () => {
  const tree = await widgetTree();
  assert.ok(tree.has('lit') && tree.has('socket.io-client') && tree.has('@lit/react'), [...tree.keys()].join(' '));
  const server = [...tree.keys()].filter((name) => /^(better-sqlite3|fastify|@fastify\/.*|pg|redis|@redis\/.*|socket\.io|engine\.io|jose|prom-client)$/.test(name));
  assert.deepEqual(server, []);
  const native = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : native(join(dir, entry.name));
      return entry.name === 'binding.gyp' || extname(entry.name) === '.node' ? [join(dir, entry.name)] : [];
    });
  assert.deepEqual([...tree.values()].flatMap(native), []);
});

test("the React wrapper's and the element's types check a site's code under both module resolutions", async () => {
  await typeCheck(site, { include: ['src'] }, { jsx: 'react-jsx' });
});

test('Vite builds both pages, and in Chromium the React wrapper and the plain element talk through a real relay', async (t) => {
  const skip = chromiumPath() ? false : 'no Chromium';
  if (skip) return t.skip(skip);
  await run(process.execPath, [join(site, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], site);
  assert.ok(!existsSync(join(site, 'dist/live-chat-moderator.js')), 'moderator code stays on the relay');

  const relay = await startRelay(t);
  // The built site, from another origin than the relay's, as a site's own server would.
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const pages = createServer((request, response) => {
    const path = join(site, 'dist', new URL(request.url!, 'http://site').pathname);
    if (!existsSync(path) || !extname(path)) return void response.writeHead(404).end();
    // The relay's address goes into the plain page as a site would write it in its HTML.
    const body = extname(path) === '.html' ? readFileSync(path, 'utf8').replaceAll('%RELAY%', relay.url) : readFileSync(path);
    response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
  });
  pages.listen(0, '127.0.0.1');
  await once(pages, 'listening');
  t.after(() => pages.close());
  const origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;

  const browser = await puppeteer.launch({ executablePath: chromiumPath(), args: chromiumArgs, headless: true });
  t.after(() => browser.close());
  const open = async (path: string): Promise<Page> => {
    // Two visitors: a context each, so they share no storage (the widget keeps a client id there).
    const page = await (await browser.createBrowserContext()).newPage();
    page.on('pageerror', (error) => assert.fail(`${path}: ${error}`));
    await page.goto(`${origin}${path}`);
    return page;
  };
  const plain = await open('/plain.html');
  const react = await open(`/index.html?server=${encodeURIComponent(relay.url)}`);

  await react.waitForSelector('button:not([disabled])', { timeout: 10_000 });
  await react.click('button');
  await react.waitForFunction(() => document.querySelector('#last')?.textContent === 'Last message: Ravi: Hello!', { timeout: 10_000 });
  await plain.waitForFunction(() => document.querySelector('live-chat')?.shadowRoot?.textContent?.includes('Hello!'), { timeout: 10_000 });
});
