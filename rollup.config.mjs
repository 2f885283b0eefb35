import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

/** The widget as ONE classic script (Lit and socket.io-client inside), so a plain <script> tag loads it. */
export default {
  input: 'widget/index.ts',
  output: {
    file: 'dist/widget/live-chat.js',
    format: 'iife',
    sourcemap: true,
  },
  plugins: [
    typescript({
      tsconfig: './tsconfig.json',
      include: ['widget/**/*.ts', 'protocol/**/*.ts'],
      noEmitOnError: true,
      compilerOptions: { noEmit: false, outDir: 'dist/widget', rootDir: '.', declaration: false },
    }),
    // The browser builds: socket.io-client's without the `debug` module.
    resolve({ browser: true }),
    terser({ ecma: 2020, module: false, compress: { passes: 2 }, format: { comments: false } }),
  ],
};
