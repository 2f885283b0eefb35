import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import semver from 'semver';
import { root } from '../../../server/paths.js';

/**
 * `npm audit` needs the registry's advisory endpoint, which this project's CI
 * cannot reach. Instead: the published advisories of the packages the relay
 * and its tests stand on, as a table, checked against every installed copy
 * (nested ones too). A copy inside a vulnerable range fails the test; the fix
 * is an `overrides` entry in package.json. Extend the table when a new
 * advisory is published.
 */

interface Advisory {
  id: string;
  /** The versions the advisory names as vulnerable (npm semver range). */
  vulnerable: string;
  what: string;
}

const advisories: Record<string, Advisory[]> = {
  'socket.io-parser': [
    { id: 'CVE-2022-2421 / GHSA-qm95-pgcg-qqfq', vulnerable: '<3.3.3 || >=3.4.0 <3.4.2 || >=4.0.0 <4.0.5 || >=4.1.0 <4.2.1', what: 'attachment placeholder type confusion' },
    { id: 'CVE-2023-32695 / GHSA-cqmj-92xf-r6r9', vulnerable: '<3.3.4 || >=3.4.0 <3.4.3 || >=4.0.0 <4.2.3', what: 'uncaught exception on a malformed packet' },
    { id: 'CVE-2020-36049 / GHSA-xfhh-g9f5-x4m4', vulnerable: '<3.3.2 || >=3.4.0 <3.4.1', what: 'memory exhaustion on a large packet' },
  ],
  'engine.io': [
    { id: 'CVE-2020-36048 / GHSA-j4f2-536g-r55m', vulnerable: '<4.0.0', what: '100 MB default maxHttpBufferSize: memory exhaustion' },
    { id: 'CVE-2022-21676 / GHSA-273r-mgr4-v34f', vulnerable: '>=4.0.0 <4.1.2 || >=5.0.0 <5.2.1 || >=6.0.0 <6.1.1', what: 'uncaught exception on an invalid WebSocket frame' },
    { id: 'CVE-2022-41940 / GHSA-r7qp-cfhv-p84w', vulnerable: '<3.6.1 || >=4.0.0 <6.2.1', what: 'uncaught exception on a reset upgrade' },
    { id: 'CVE-2023-31125 / GHSA-q9mw-68c2-j6m5', vulnerable: '>=5.1.0 <6.4.2', what: 'uncaught exception on an upgrade for a non-WebSocket transport' },
  ],
  'socket.io': [
    { id: 'CVE-2020-28481 / GHSA-fxwf-4rqh-v8g3', vulnerable: '<2.4.0', what: 'CORS allowed every origin by default' },
    { id: 'CVE-2024-38355 / GHSA-25hc-qcg6-38wj', vulnerable: '>=2.3.0 <2.5.1 || >=3.0.0 <4.6.2', what: 'uncaught exception on an event named "error"' },
  ],
  ws: [
    { id: 'CVE-2024-37890 / GHSA-3h5v-q93c-6h6q', vulnerable: '>=2.1.0 <5.2.4 || >=6.0.0 <6.2.3 || >=7.0.0 <7.5.10 || >=8.0.0 <8.17.1', what: 'crash on an upgrade with too many headers' },
    { id: 'CVE-2021-32640 / GHSA-6fc8-4gx4-v693', vulnerable: '>=5.0.0 <5.2.3 || >=6.0.0 <6.2.2 || >=7.0.0 <7.4.6', what: 'ReDoS in Sec-WebSocket-Protocol' },
    { id: 'CVE-2016-10542 / GHSA-6663-c963-2gqg', vulnerable: '<1.1.1', what: 'no payload limit: memory exhaustion' },
  ],
  'engine.io-client': [{ id: 'CVE-2016-10536', vulnerable: '<1.6.9', what: 'TLS certificates not verified by default' }],
  cookie: [{ id: 'CVE-2024-47764 / GHSA-pxg6-pf52-xh8x', vulnerable: '<0.7.0', what: 'out-of-bounds characters in name, path, domain' }],
  jose: [{ id: 'CVE-2024-28176 / GHSA-hhhv-q57g-882q', vulnerable: '<2.0.7 || >=3.0.0 <4.15.5', what: 'JWE decompression bomb' }],
  fastify: [
    { id: 'CVE-2025-32442 / GHSA-mg2h-6x62-wpwc', vulnerable: '>=4.9.0 <4.29.1 || >=5.0.0 <5.3.2', what: 'content-type validation bypass' },
    { id: 'CVE-2022-39288 / GHSA-455w-c45v-86rg', vulnerable: '>=4.0.0 <4.8.1', what: 'crash on a malformed Content-Type' },
  ],
  'find-my-way': [{ id: 'CVE-2024-45813 / GHSA-rrr8-f88r-h8q6', vulnerable: '>=5.5.0 <8.2.2 || >=9.0.0 <9.0.1', what: 'ReDoS in routes with two parameters' }],
  ajv: [{ id: 'CVE-2020-15366 / GHSA-v88g-cgmw-v5xw', vulnerable: '<6.12.3', what: 'prototype pollution through a schema' }],
  pg: [{ id: 'CVE-2017-16082 / GHSA-wc9v-mj63-m9g5', vulnerable: '<7.1.2', what: 'code execution through a crafted column name' }],
  redis: [{ id: 'CVE-2021-29469 / GHSA-35q2-47q7-3pc3', vulnerable: '>=2.6.0 <3.1.1', what: 'ReDoS in monitor mode' }],
  zod: [{ id: 'CVE-2023-4316 / GHSA-m95q-7qp3-xv42', vulnerable: '<=3.22.2', what: 'ReDoS in email validation' }],
  semver: [{ id: 'CVE-2022-25883 / GHSA-c2qf-rxjj-qqgw', vulnerable: '<5.7.2 || >=6.0.0 <6.3.1 || >=7.0.0 <7.5.2', what: 'ReDoS in range parsing' }],
  debug: [{ id: 'CVE-2017-16137 / GHSA-gxpj-cx7g-858c', vulnerable: '<2.6.9 || >=3.0.0 <3.1.0', what: 'ReDoS in %o formatting' }],
  braces: [{ id: 'CVE-2024-4068 / GHSA-grv7-fg5c-xmjg', vulnerable: '<3.0.3', what: 'memory exhaustion on unbalanced braces' }],
  micromatch: [{ id: 'CVE-2024-4067 / GHSA-952p-6rrq-rcjv', vulnerable: '<4.0.8', what: 'ReDoS' }],
  'cross-spawn': [{ id: 'CVE-2024-21538 / GHSA-3xgq-45jj-v275', vulnerable: '<6.0.6 || >=7.0.0 <7.0.5', what: 'ReDoS' }],
  nanoid: [{ id: 'CVE-2024-55565 / GHSA-mwcw-c2x4-8c55', vulnerable: '<3.3.8 || >=4.0.0 <5.0.9', what: 'predictable ids for non-integer sizes' }],
  rollup: [{ id: 'CVE-2024-47068 / GHSA-gcx4-mw62-g8wm', vulnerable: '<2.79.2 || >=3.0.0 <3.29.5 || >=4.0.0 <4.22.4', what: 'DOM clobbering XSS in bundles' }],
  esbuild: [{ id: 'GHSA-67mh-4wv8-2f99', vulnerable: '<=0.24.2', what: 'dev server answers any website' }],
  'tar-fs': [
    { id: 'CVE-2024-12905', vulnerable: '<1.16.4 || >=2.0.0 <2.1.2 || >=3.0.0 <3.0.7', what: 'path traversal on extract' },
    { id: 'CVE-2025-48387', vulnerable: '<2.1.3 || >=3.0.0 <3.0.9', what: 'writes outside the target folder' },
  ],
  koa: [
    { id: 'CVE-2025-25200', vulnerable: '<2.15.4', what: 'ReDoS in X-Forwarded-Proto/Host' },
    { id: 'CVE-2025-32379', vulnerable: '<2.16.1', what: 'XSS in ctx.redirect' },
  ],
};

/** Packages the relay cannot run without: the test fails if one is not found at all. */
const required = ['socket.io-parser', 'engine.io', 'engine.io-client', 'ws', 'socket.io', 'socket.io-client', 'cookie', 'jose', 'fastify', 'find-my-way', 'pg', 'redis', 'zod'];

/** Every installed copy of every package under node_modules, nested ones included: name → versions. */
function installed(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const visit = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const dirs = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((name) => join(entry, name)) : [entry];
      for (const name of dirs) {
        const dir = join(modules, name);
        const manifest = join(dir, 'package.json');
        if (existsSync(manifest)) {
          const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string };
          if (version) found.set(name, (found.get(name) ?? new Set()).add(version));
        }
        visit(join(dir, 'node_modules'));
      }
    }
  };
  visit(join(root, 'node_modules'));
  return found;
}

test('no installed copy of a dependency is in the vulnerable range of a published advisory', () => {
  const versions = installed();
  for (const name of required) assert.ok(versions.has(name), `${name} is not installed: the table would check nothing`);
  const vulnerable: string[] = [];
  for (const [name, list] of Object.entries(advisories)) {
    for (const version of versions.get(name) ?? []) {
      for (const advisory of list) {
        if (semver.satisfies(version, advisory.vulnerable)) vulnerable.push(`${name}@${version}: ${advisory.id} (${advisory.what})`);
      }
    }
  }
  assert.deepEqual(vulnerable, [], 'add an "overrides" entry in package.json for each');
});

test('the advisory table is well formed', () => {
  for (const [name, list] of Object.entries(advisories)) {
    for (const advisory of list) {
      assert.ok(semver.validRange(advisory.vulnerable), `${name} ${advisory.id}: ${advisory.vulnerable}`);
      assert.match(advisory.id, /^(CVE-\d{4}-\d+|GHSA(-[23456789cfghjmpqrvwx]{4}){3})( \/ GHSA(-[23456789cfghjmpqrvwx]{4}){3})?$/);
    }
  }
});
