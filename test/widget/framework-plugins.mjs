import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import rollupCommonjs from '@rollup/plugin-commonjs';
import rollupReplace from '@rollup/plugin-replace';
import { fromRollup } from '@web/dev-server-rollup';
import { compileScript, parse } from 'vue/compiler-sfc';

const reactBuilds = {
  react: 'react/cjs/react.production.js',
  'react/jsx-runtime': 'react/cjs/react-jsx-runtime.production.js',
  'react-dom': 'react-dom/cjs/react-dom.production.js',
  'react-dom/client': 'react-dom/cjs/react-dom-client.production.js',
  scheduler: 'scheduler/cjs/scheduler.production.js',
};

/**
 * What the framework tests need from the dev server, as a bundler (Vite,
 * webpack) gives it to an app: React's CommonJS packages as modules, the
 * production builds picked by NODE_ENV, and Vue single-file components
 * compiled with <live-chat> declared a custom element.
 */
export function frameworkPlugins() {
  const replace = fromRollup(rollupReplace);
  const commonjs = fromRollup(rollupCommonjs);
  return [
    {
      // React ships CommonJS only, and picks its build by NODE_ENV with
      // require(). As a bundler would, name the production build directly, and
      // give it the named exports (useRef, createRoot…) that the CommonJS
      // transform cannot list by itself (read from its `exports.x =` lines).
      name: 'react-esm',
      resolveImport({ source }) {
        return source in reactBuilds ? `/__react/${source}.js` : undefined;
      },
      serve({ path }) {
        const source = /^\/__react\/(.+)\.js$/.exec(path)?.[1];
        if (!(source in reactBuilds)) return undefined;
        const build = `/node_modules/${reactBuilds[source]}`;
        const code = readFileSync(join(process.cwd(), build), 'utf8');
        const names = [...new Set([...code.matchAll(/^exports\.([A-Za-z_$][\w$]*) =/gm)].map((m) => m[1]))];
        return {
          type: 'js',
          // The CommonJS transform gives each module as a __require() function.
          body: `import { __require } from '${build}';\nconst mod = __require();\nexport default mod;\nexport const { ${names.join(', ')} } = mod;\n`,
        };
      },
    },
    {
      // The snippet files as written (served files are compiled), for the test
      // that docs/frameworks.md quotes them.
      name: 'raw-snippets',
      serve({ path, query }) {
        if (path !== '/__raw' || !/^[\w-]+\.[\w.]+$/.test(query.file)) return undefined;
        return { type: 'txt', body: readFileSync(join(process.cwd(), 'test/widget/frameworks', query.file), 'utf8') };
      },
    },
    {
      name: 'tsx-imports',
      // `import './X.js'` from TypeScript means X.tsx when that is the file (as tsc resolves it).
      resolveImport({ source, context }) {
        if (!source.startsWith('.') || !source.endsWith('.js') || !/\.tsx?$/.test(context.path)) return undefined;
        const tsx = source.replace(/\.js$/, '.tsx');
        return existsSync(join(dirname(join(process.cwd(), context.path)), tsx)) ? tsx : undefined;
      },
    },
    {
      name: 'vue-sfc',
      resolveMimeType(context) {
        return context.path.endsWith('.vue') ? 'js' : undefined;
      },
      transform(context) {
        if (!context.path.endsWith('.vue')) return undefined;
        const { descriptor, errors } = parse(context.body, { filename: context.path });
        if (errors.length > 0) throw errors[0];
        // The same option an app gives @vitejs/plugin-vue (see docs/frameworks.md).
        const script = compileScript(descriptor, {
          id: context.path,
          inlineTemplate: true,
          templateOptions: { compilerOptions: { isCustomElement: (tag) => tag === 'live-chat' } },
        });
        return { body: script.content };
      },
    },
    // Last, so the resolutions above come first.
    replace({ include: ['**/node_modules/**'], preventAssignment: true, 'process.env.NODE_ENV': '"production"' }),
    commonjs({ include: ['**/node_modules/react/**', '**/node_modules/react-dom/**', '**/node_modules/scheduler/**'] }),
  ];
}
