import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found from this file whether it runs from server/ (tsx) or dist/server/ (built). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const root = findRoot();
export const widgetDir = join(root, 'dist', 'widget');
export const demoDir = join(root, 'demo');
/** The installed package's version (`live-chat-relay --version`, /openapi.json). */
export const packageVersion: string = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
