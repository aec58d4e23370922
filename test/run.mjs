#!/usr/bin/env node
// Runs the test suites with Node's test runner through tsx. `node test/run.mjs [unit|integration|e2e ...]`.
// End-to-end tests need the built renderer, so the renderer is built first when they are included.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'e2e'];

function find(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return find(p);
    return name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = suites.flatMap((s) => (s.endsWith('.ts') ? [join(root, s)] : find(join(root, 'test', s)))).sort();
if (!files.length) {
  console.error(`no test files in ${suites.join(', ')}`);
  process.exit(1);
}
if (files.some((f) => f.includes(`${join('test', 'e2e')}`))) {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--renderer'], {
    stdio: 'inherit',
    cwd: root,
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const args = [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=1',
  `--test-timeout=${process.env.IMAGENOT_TEST_TIMEOUT ?? 900000}`,
  ...files.map((f) => relative(root, f)),
];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root, env: process.env });
process.exit(r.status ?? 1);
