// The package's own `prepare` script builds a checkout at install. A packed
// package is built already, and npm 11 asks whoever installs the tarball to
// approve every install script it carries: so `prepack` takes `prepare` out
// of package.json and `postpack` puts it back (written by hand rather than
// with `npm pkg`, which `npm pack --json` would have parse the value as JSON).
// Usage: node scripts/pack-prepare.mjs remove|restore
import { readFileSync, writeFileSync } from 'node:fs';

const PREPARE = 'npm run build --silent';
const file = new URL('../package.json', import.meta.url);
const manifest = JSON.parse(readFileSync(file, 'utf8'));
if (process.argv[2] === 'remove') delete manifest.scripts.prepare;
else if (process.argv[2] === 'restore') manifest.scripts.prepare = PREPARE;
else throw new Error('usage: pack-prepare.mjs remove|restore');
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
