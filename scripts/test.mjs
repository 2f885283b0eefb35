// npm test: builds, then runs every suite even when one before it failed
// (chained with &&, one load-sensitive relay test failing hid all 86 widget
// tests), and fails at the end, naming each suite that failed.
import { spawnSync } from 'node:child_process';

const steps = [
  ['build', 'npm run build --silent'],
  ['type-check and widget reference', 'npm run check --silent'],
  ['relay tests', 'npm run test:server --silent'],
  ['widget tests', 'npm run test:widget --silent'],
];

const results = [];
for (const [name, command] of steps) {
  const started = Date.now();
  const { status } = spawnSync(command, { shell: true, stdio: 'inherit' });
  results.push({ name, ok: status === 0, seconds: Math.round((Date.now() - started) / 1000) });
  // Nothing can be tested without a build.
  if (name === 'build' && status !== 0) break;
}

console.log('\nnpm test:');
for (const { name, ok, seconds } of results) console.log(`  ${ok ? 'passed' : 'FAILED'}  ${name} (${seconds} s)`);
const failed = results.filter((r) => !r.ok);
if (failed.length > 0 || results.length < steps.length) {
  console.log(`\n${failed.map((r) => r.name).join(', ')} failed.`);
  process.exit(1);
}
