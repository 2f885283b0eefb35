import minifyLiterals from '@lit-labs/rollup-plugin-minify-html-literals';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dirname } from 'node:path';

/**
 * Every byte of the widget is paid by every visitor, so the parts of
 * socket.io-client it never uses are swapped for smaller ones at bundle time
 * (if a new version moves them, the size test in test/server says so):
 *
 * - engine.io-client imports every transport it knows (WebTransport, fetch
 *   polling…) through one table, so none can be tree-shaken. The widget uses
 *   two: WebSocket first, XHR polling when a proxy blocks WebSocket.
 * - socket.io-parser walks every outgoing payload looking for binary data and
 *   carries the code to split and rebuild binary packets, and engine.io-parser
 *   a base64 decoder for binary over polling. The chat protocol is JSON only;
 *   a binary packet from a relay now fails to parse, and socket.io-client
 *   closes and reconnects as it does for any parse error.
 */
const replacements = {
  'engine.io-client/build/esm/socket.js': {
    // `HERE` is the importer's folder; the transports' own (browser) files
    // are imported, since the package's index would be a cycle through socket.js.
    './transports/index.js': `import { WS } from 'HERE/transports/websocket.js';
import { XHR } from 'HERE/transports/polling-xhr.js';
export const transports = { websocket: WS, polling: XHR };`,
  },
  'engine.io-parser/build/esm/decodePacket.browser.js': {
    // Binary frames over polling come base64-encoded; there are none to read.
    './contrib/base64-arraybuffer.js': `export const decode = () => new ArrayBuffer(0);`,
  },
  'socket.io-parser/build/esm/index.js': {
    './is-binary.js': `export const isBinary = () => false, hasBinary = () => false;`,
    './binary.js': `const binary = () => { throw new Error('live-chat speaks JSON only'); };
export { binary as deconstructPacket, binary as reconstructPacket };`,
  },
};

function replaceUnusedParts() {
  const PREFIX = '\0live-chat-replaced:';
  const loaded = new Map();
  return {
    name: 'replace-unused-parts',
    resolveId(source, importer) {
      const file = importer?.replaceAll('\\', '/') ?? '';
      for (const [module, swaps] of Object.entries(replacements)) {
        if (!file.endsWith(`node_modules/${module}`) || !(source in swaps)) continue;
        const id = `${PREFIX}${module}:${source}`;
        loaded.set(id, swaps[source].replaceAll('HERE', dirname(file)));
        return id;
      }
      return null;
    },
    load(id) {
      return loaded.get(id) ?? null;
    },
  };
}

/** The widget as ONE classic script (Lit and socket.io-client inside), so a plain <script> tag loads it. */
export default {
  input: 'widget/index.ts',
  output: {
    file: 'dist/widget/live-chat.js',
    format: 'iife',
    sourcemap: true,
  },
  plugins: [
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
      include: ['widget/**/*.ts', 'protocol/**/*.ts'],
      noEmitOnError: true,
      compilerOptions: { noEmit: false, outDir: 'dist/widget', rootDir: '.', declaration: false },
    }),
    replaceUnusedParts(),
    // The browser builds: socket.io-client's without the `debug` module.
    resolve({ browser: true }),
    terser({
      ecma: 2020,
      module: false,
      compress: { passes: 2 },
      // Socket.IO's internal fields (`_reconnectionDelay`, `_pingTimeoutTimer`…)
      // are only read inside the bundle, so they can get short names. Lit's
      // cross-version fields start with `_$` and are left alone.
      mangle: { properties: { regex: /^_[a-z]/ } },
      format: { comments: false },
    }),
  ],
};
