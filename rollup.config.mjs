import minifyLiterals from '@lit-labs/rollup-plugin-minify-html-literals';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';

/**
 * Writes a .br and a .gz beside each file written (the source map too), at
 * the highest levels, which the relay sends as they are (@fastify/static's
 * preCompressed): compressed once here rather than at every start.
 */
const precompress = () => ({
  name: 'precompress',
  async writeBundle(options, bundle) {
    const dir = options.dir ?? dirname(options.file);
    const names = Object.values(bundle).flatMap((out) => (out.type === 'chunk' && out.map ? [out.fileName, `${out.fileName}.map`] : [out.fileName]));
    for (const name of names) {
      const path = join(dir, name);
      const bytes = await readFile(path);
      await writeFile(`${path}.br`, brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
      await writeFile(`${path}.gz`, gzipSync(bytes, { level: 9 }));
    }
  },
});

/**
 * In the moderator script, `lit` is the widget's Lit, handed over by the
 * hook the widget sets before loading it (widget/moderator-hook.ts, its
 * Symbol.for key spelled out): its code, and ui/'s elements it renders,
 * import from 'lit' as anywhere else, and it bundles no second Lit.
 * Importing from 'lit' what the hook does not hand over fails the build.
 */
const widgetLit = () => ({
  name: 'widget-lit',
  resolveId: (id) => (id === 'lit' ? '\0widget-lit' : null),
  load: (id) =>
    id === '\0widget-lit'
      ? `const hook = window[Symbol.for('live-chat.moderator')];
         if (!hook) throw new Error('live-chat-moderator.js is loaded by <live-chat>, for its moderators');
         export const { html, nothing, LitElement } = hook;`
      : null,
});

/**
 * engine.io-client bundles its WebTransport transport (and the stream
 * encoders it alone uses) whatever transports a client names; ours names
 * WebSocket and polling only (client/socket.ts), and the relay offers no
 * WebTransport. Left out, it saves the visitor's script 828 B gzip (docs/performance.md).
 */
const noWebTransport = () => ({
  name: 'no-webtransport',
  resolveId: (id, importer) => (id === './webtransport.js' && importer?.includes('engine.io-client') ? '\0no-webtransport' : null),
  load: (id) => (id === '\0no-webtransport' ? 'export const WT = undefined;' : null),
});

/**
 * The widget as ONE classic script (Lit and socket.io-client, through
 * client/, inside), so a plain <script> tag loads it.
 */
const plugins = (outDir = 'dist/widget', first = []) => [
    ...first,
    noWebTransport(),
    // Whitespace and comments inside html`` and css`` templates. A css``
    // fragment of bare declarations (the dark palette, used in two rules) is
    // not a stylesheet the CSS minifier can parse, so it stays as written.
    minifyLiterals({
      failOnError: true,
      options: {
        shouldMinifyCSS: (t) => t.tag === 'css' && !/^\s*--/.test(t.parts[0].text),
        // Keep syntax every browser of the last years reads (no range media queries…).
        minifyOptions: { minifyCSS: { targets: { chrome: 90 << 16, firefox: 90 << 16, safari: (14 << 16) | (1 << 8) } } },
      },
    }),
    typescript({
      tsconfig: './tsconfig.json',
      include: ['widget/**/*.ts', 'client/**/*.ts', 'ui/**/*.ts', 'protocol/**/*.ts', 'console/**/*.ts'],
      noEmitOnError: true,
      compilerOptions: { noEmit: false, outDir, rootDir: '.', declaration: false },
    }),
    // Browser builds: engine.io-client's XHR polling and the page's WebSocket
    // (not Node's `ws`), and socket.io-client's build without `debug` (the
    // `default` export condition; `esm-debug` is Node's): no `debug` is bundled.
    resolve({ browser: true }),
    terser({
      ecma: 2020,
      module: false,
      compress: { passes: 2 },
      format: { comments: false },
    }),
    precompress(),
];

export default [
  { input: 'widget/index.ts', output: { file: 'dist/widget/live-chat.js', format: 'iife', sourcemap: true }, plugins: plugins() },
  /**
   * What only moderators use, loaded by the widget from the relay when a
   * moderator signs in (widget/moderator-hook.ts). It renders with the
   * widget's Lit, handed over by the hook, so it bundles none.
   */
  {
    input: 'widget/moderator/index.ts',
    output: { file: 'dist/widget/live-chat-moderator.js', format: 'iife', sourcemap: true },
    plugins: plugins('dist/widget', [widgetLit()]),
  },
  /**
   * The widget's languages but English, each a script of its own
   * (/live-chat-fr.js…), loaded by the pages in that language
   * (widget/i18n.ts): strings only, no code of the widget's.
   */
  ...readdirSync('widget/languages').map((file) => ({
    input: `widget/languages/${file}`,
    output: { file: `dist/widget/live-chat-${file.replace(/\.ts$/, '')}.js`, format: 'iife', sourcemap: true },
    plugins: plugins(),
  })),
  /**
   * The moderation console's page script (GET /console), with its own Lit
   * and socket.io-client (client/, as the widget); served by the relay only.
   */
  { input: 'console/console.ts', output: { file: 'dist/console/console.js', format: 'iife', sourcemap: true }, plugins: plugins('dist/console') },
];
