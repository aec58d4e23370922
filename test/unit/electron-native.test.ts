// better-sqlite3 for two runtimes: system Node (CLI, serve, tests) loads node_modules' own build; Electron (the
// desktop main process and its ELECTRON_RUN_AS_NODE workers) loads the separate Electron-ABI build that `npm start`
// makes. The Electron binary and the network are not available here, so the Electron side is checked by its
// selection logic and by a Node process that presents itself as Electron and loads a stand-in binary from the
// Electron-side path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from '../helpers/workspace.ts';
import { ELECTRON_SQLITE_ENV, sqliteNativeBinding } from '../../native-workers/store/sqlite-binding.ts';
import { electronSqlitePaths, electronSqlitePlan, nodeRunsElectronTooling } from '../../scripts/electron-native.ts';
import { unpackedPath } from '../../electron/native-paths.ts';

const nodeBuild = join(repoRoot, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

test('selection: system Node always loads its own build; Electron loads only the Electron build, or says how to make it', () => {
  const dir = tempDir();
  try {
    const electronBuild = join(dir.path, 'better_sqlite3.node');
    copyFileSync(nodeBuild, electronBuild);
    // System Node ignores the variable even when an Electron parent left it in the environment.
    assert.equal(
      sqliteNativeBinding({ versions: { node: '20.20.2' }, env: { [ELECTRON_SQLITE_ENV]: electronBuild } }),
      undefined,
    );
    assert.equal(
      sqliteNativeBinding({
        versions: { node: '22.20.0', electron: '45.5.0' },
        env: { [ELECTRON_SQLITE_ENV]: electronBuild },
      }),
      electronBuild,
    );
    assert.throws(
      () => sqliteNativeBinding({ versions: { electron: '45.5.0' }, env: {} }),
      /under Electron 45\.5\.0 without IMAGENOT_ELECTRON_SQLITE.*npm start/,
    );
    assert.throws(
      () =>
        sqliteNativeBinding({
          versions: { electron: '45.5.0' },
          env: { [ELECTRON_SQLITE_ENV]: join(dir.path, 'missing.node') },
        }),
      /built for Electron 45\.5\.0 is missing at .*missing\.node: run `npm run rebuild:electron`/,
    );
  } finally {
    dir.cleanup();
  }
});

/** Open a workspace in a fresh Node process (optionally presenting itself as Electron); the native binaries it loaded. */
function loadedBinaries(opts: { asElectron: boolean; env: NodeJS.ProcessEnv; ws: string }): {
  status: number | null;
  loaded: string[];
  stderr: string;
} {
  const code = [
    opts.asElectron
      ? "Object.defineProperty(process.versions, 'electron', { value: '45.5.0', enumerable: true });"
      : '',
    `const { openWorkspace } = await import(${JSON.stringify(join(repoRoot, 'native-workers', 'store', 'workspace.ts'))});`,
    "const { createRequire } = await import('node:module');",
    `openWorkspace(${JSON.stringify(opts.ws)}, { create: true }).close();`,
    "console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache).filter((k) => k.endsWith('better_sqlite3.node'))));",
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
  });
  const last = r.stdout.trim().split('\n').pop() ?? '[]';
  return { status: r.status, loaded: r.status === 0 ? JSON.parse(last) : [], stderr: r.stderr };
}

test('a process presenting itself as Electron loads the binary from the Electron-side path; the CLI side keeps node_modules', () => {
  const dir = tempDir();
  try {
    // A stand-in for the Electron build (the real one needs the network): what matters is which file is loaded.
    const electronBuild = join(dir.path, 'electron-native', 'better_sqlite3.node');
    mkdirSync(join(dir.path, 'electron-native'));
    copyFileSync(nodeBuild, electronBuild);
    const env = { [ELECTRON_SQLITE_ENV]: electronBuild };
    const electron = loadedBinaries({ asElectron: true, env, ws: join(dir.path, 'ws1') });
    assert.equal(electron.status, 0, electron.stderr);
    assert.deepEqual(electron.loaded, [electronBuild]);
    const cli = loadedBinaries({ asElectron: false, env, ws: join(dir.path, 'ws2') });
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(cli.loaded, [nodeBuild]);
    const unbuilt = loadedBinaries({
      asElectron: true,
      env: { [ELECTRON_SQLITE_ENV]: join(dir.path, 'nope.node') },
      ws: join(dir.path, 'ws3'),
    });
    assert.notEqual(unbuilt.status, 0);
    assert.match(unbuilt.stderr, /npm run rebuild:electron/);
  } finally {
    dir.cleanup();
  }
});

test('the Electron build is redone only when Electron, better-sqlite3, the platform or the arch changed', () => {
  const wanted = { electron: '45.5.0', betterSqlite3: '12.11.1', platform: 'linux', arch: 'x64' };
  assert.deepEqual(electronSqlitePlan(wanted, null, false), { build: true, reason: 'not built yet' });
  assert.deepEqual(electronSqlitePlan(wanted, { ...wanted }, false), { build: true, reason: 'not built yet' });
  assert.deepEqual(electronSqlitePlan(wanted, { ...wanted }, true), { build: false, reason: 'up to date' });
  assert.deepEqual(electronSqlitePlan(wanted, { ...wanted, electron: '45.4.0', arch: 'arm64' }, true), {
    build: true,
    reason: 'electron 45.4.0 -> 45.5.0, arch arm64 -> x64',
  });
  assert.equal(electronSqlitePaths('/app').binary, join('/app', 'dist', 'electron-native', 'better_sqlite3.node'));
  assert.equal(nodeRunsElectronTooling('20.20.2'), false);
  assert.equal(nodeRunsElectronTooling('22.11.0'), false);
  assert.equal(nodeRunsElectronTooling('22.12.0'), true);
  assert.equal(nodeRunsElectronTooling('24.3.0'), true);
  // In a packaged app the binary is read from the unpacked copy next to the asar archive.
  const inAsar = join('/opt/ImageNot', 'resources', 'app.asar', 'dist', 'electron-native', 'better_sqlite3.node');
  assert.equal(
    unpackedPath(inAsar, () => true),
    join('/opt/ImageNot', 'resources', 'app.asar.unpacked', 'dist', 'electron-native', 'better_sqlite3.node'),
  );
  assert.equal(
    unpackedPath(inAsar, () => false),
    inAsar,
  );
  assert.equal(
    unpackedPath('/repo/dist/electron-native/better_sqlite3.node', () => true),
    '/repo/dist/electron-native/better_sqlite3.node',
  );
});

test('npm start and npm run dist build the Electron side first; electron-builder leaves node_modules alone', () => {
  const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts as Record<string, string>;
  assert.match(scripts.start, /scripts\/electron-native\.ts && electron \.$/);
  assert.match(scripts.dist, /scripts\/electron-native\.ts && electron-builder /);
  const builder = readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8');
  assert.match(builder, /^npmRebuild: false$/m, 'an in-place rebuild would leave node_modules built for Electron');
  assert.match(
    builder,
    /^ {2}- "dist\/electron-native\/\*\*"$/m,
    'the Electron build is unpacked from the asar archive',
  );
});

test('on Node older than 22.12 the Electron step stops with a message naming what runs there', {
  skip: nodeRunsElectronTooling(process.versions.node) && 'this Node runs the Electron tooling',
}, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'electron-native.ts')], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /needs Node >=22\.12\.0 .*this is Node 20\.\d+\.\d+\. The CLI, browser mode .* run on Node \^20\.19/,
  );
});
