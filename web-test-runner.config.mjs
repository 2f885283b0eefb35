import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs';
import { frameworkPlugins } from './test/widget/framework-plugins.mjs';
import { relayPlugin } from './test/widget/relay-plugin.mjs';
import { touchPlugin } from './test/widget/touch-plugin.mjs';

/**
 * Widget tests in headless Chromium. The test pages are served by the test
 * runner, and the widget is loaded from a real relay on another port, so
 * every test runs cross-origin, as on a customer's site.
 */
export default {
  // ui/'s elements, shared by the widget's moderator tools and the console, are tested on their own in test/ui/.
  files: ['test/widget/**/*.test.ts', 'test/ui/**/*.test.ts'],
  // Lit's production build, as the widget bundle uses (no dev-mode warning in the logs).
  nodeResolve: { browser: true, exportConditions: ['production'] },
  concurrency: 1,
  // bans.test.ts waits out a real 1-minute ban.
  testsFinishTimeout: 240_000,
  plugins: [
    ...frameworkPlugins(),
    esbuildPlugin({ ts: true, tsx: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    relayPlugin(),
    touchPlugin(),
  ],
  browsers: [chromeLauncher({ launchOptions: { executablePath: chromiumPath(), headless: true, args: chromiumArgs } })],
  testFramework: { config: { timeout: 10_000 } },
};
