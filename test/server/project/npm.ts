// What the package tests share: running npm (and other commands) nested
// under `npm test`, reading `npm pack --json`'s report, and type-checking a
// consumer's code against the installed packages.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../../server/paths.js';

/**
 * The environment for the nested npm: without what `npm test` exports to its
 * scripts (npm_config_local_prefix would point npm back at this repository,
 * npm_config_loglevel=silent would hide its warnings), but with its cache and
 * registry settings.
 */
export const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^npm_/i.test(name) || /^npm_config_(cache|registry|userconfig|globalconfig|cafile|nodedir|(https?_|no)proxy|strict_ssl)$/i.test(name),
  ),
);

/** Runs a command to its end; fails with its output unless it exits 0. */
export async function run(command: string, args: string[], cwd: string) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, `${command} ${args.join(' ')} failed:\n${stdout}\n${stderr}`);
  return { stdout, stderr };
}

/** `npm pack --json` in `dir` (prepack builds first) into `destination`: the tarball's name and the paths it holds. */
export async function pack(dir: string, destination: string): Promise<{ filename: string; files: string[] }> {
  const packed = await run('npm', ['pack', '--json', '--pack-destination', destination], dir);
  // prepack's own output comes first; the JSON report is the rest.
  const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[\n'))) as [{ filename: string; files: { path: string }[] }];
  return { filename: report[0].filename, files: report[0].files.map((file) => file.path) };
}

/** A consumer's strict compiler options; skipLibCheck off, so the packages' .d.ts files are checked too, not only the consumer's code. */
const CONSUMER_OPTIONS = {
  target: 'ES2022',
  module: 'ESNext',
  moduleResolution: 'bundler',
  lib: ['ES2022', 'DOM', 'DOM.Iterable'],
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  types: [],
};

/**
 * Writes `dir`/`name` (CONSUMER_OPTIONS with `options`, over `files`) and
 * type-checks it with this repository's tsc under bundler resolution, then
 * again under nodenext: a package's types must hold under both.
 */
export async function typeCheck(dir: string, files: { files?: string[]; include?: string[] }, options: object = {}, name = 'tsconfig.json') {
  const project = join(dir, name);
  writeFileSync(project, JSON.stringify({ compilerOptions: { ...CONSUMER_OPTIONS, ...options }, ...files }));
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', project], dir);
  await run(process.execPath, [tsc, '-p', project, '--module', 'nodenext', '--moduleResolution', 'nodenext'], dir);
}
