// Makes sure a Chromium is there for the browser tests: CHROME_PATH or
// Debian's package; as root it installs Debian's `chromium`, otherwise it
// stops with one line saying what to run. Test tools never download one.
import { spawnSync } from 'node:child_process';
import { chromiumPath } from './chromium.mjs';

function run(command, args) {
  return spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

if (!chromiumPath()) {
  const root = process.getuid?.() === 0;
  if (root && run('which', ['apt-get'])) {
    console.log('Chromium is missing: installing Debian\'s chromium package (apt-get install -y chromium)…');
    run('apt-get', ['install', '-y', '-q', 'chromium']) || (run('apt-get', ['update', '-q']) && run('apt-get', ['install', '-y', '-q', 'chromium']));
  }
  if (!chromiumPath()) {
    console.error('live-chat: the widget tests need Chromium: run "sudo apt-get install -y chromium" (or set CHROME_PATH to a Chromium binary), then npm test again.');
    process.exit(1);
  }
}
