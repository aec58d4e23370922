#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into dist/electron-native/, apart from node_modules/better-sqlite3, which
// stays built for system Node (the CLI, browser mode and the tests load it). `npm start` and `npm run dist` run this
// first; electron/main.ts points IMAGENOT_ELECTRON_SQLITE at the result (store/sqlite-binding.ts). It runs
// @electron/rebuild on a private copy of the package: a prebuilt binary from better-sqlite3's releases, or a compile
// against Electron's headers, so it needs the network once, and Node >= 22.12 (Electron 45's tooling). It rebuilds
// only when Electron's or better-sqlite3's version, the platform or the architecture changed.
//   node --import tsx scripts/electron-native.ts [--force]     (npm run rebuild:electron)
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import semver from 'semver';

/** What Electron 45 and @electron/rebuild declare in their `engines`. */
export const ELECTRON_TOOLING_NODE = '>=22.12.0';

export interface ElectronSqliteStamp {
  electron: string;
  betterSqlite3: string;
  platform: string;
  arch: string;
}

export function nodeRunsElectronTooling(nodeVersion: string): boolean {
  return semver.satisfies(nodeVersion, ELECTRON_TOOLING_NODE);
}

/** Whether the Electron build must be (re)made, and why. */
export function electronSqlitePlan(
  wanted: ElectronSqliteStamp,
  built: ElectronSqliteStamp | null,
  binaryExists: boolean,
): { build: boolean; reason: string } {
  if (!built || !binaryExists) return { build: true, reason: 'not built yet' };
  const changed = (Object.keys(wanted) as (keyof ElectronSqliteStamp)[]).filter((k) => wanted[k] !== built[k]);
  if (changed.length) return { build: true, reason: changed.map((k) => `${k} ${built[k]} -> ${wanted[k]}`).join(', ') };
  return { build: false, reason: 'up to date' };
}

/** Where the build lives under the project (or the packaged app's) root. */
export function electronSqlitePaths(root: string) {
  const dir = join(root, 'dist', 'electron-native');
  return { dir, binary: join(dir, 'better_sqlite3.node'), stamp: join(dir, 'stamp.json'), stage: join(dir, 'stage') };
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

async function main(): Promise<number> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (!nodeRunsElectronTooling(process.versions.node)) {
    console.error(
      `imagenot: the desktop app (npm start, npm run dist) needs Node ${ELECTRON_TOOLING_NODE} (Electron 45 and its tooling); ` +
        `this is Node ${process.versions.node}. The CLI, browser mode (npx imagenot serve WS) and the tests run on Node ^20.19.`,
    );
    return 1;
  }
  const paths = electronSqlitePaths(root);
  const wanted: ElectronSqliteStamp = {
    electron: readJson(join(root, 'node_modules', 'electron', 'package.json')).version,
    betterSqlite3: readJson(join(root, 'node_modules', 'better-sqlite3', 'package.json')).version,
    platform: process.platform,
    arch: process.arch,
  };
  const built = existsSync(paths.stamp) ? (readJson(paths.stamp) as ElectronSqliteStamp) : null;
  const plan = electronSqlitePlan(wanted, built, existsSync(paths.binary));
  if (!plan.build && !process.argv.includes('--force')) {
    console.log(`better-sqlite3 ${wanted.betterSqlite3} for Electron ${wanted.electron}: ${plan.reason}`);
    return 0;
  }
  console.log(`building better-sqlite3 ${wanted.betterSqlite3} for Electron ${wanted.electron} (${plan.reason}) ...`);
  const started = Date.now();
  // A private copy inside the project, so that @electron/rebuild finds prebuild-install in node_modules above it.
  rmSync(paths.stage, { recursive: true, force: true });
  const stagedModule = join(paths.stage, 'node_modules', 'better-sqlite3');
  mkdirSync(stagedModule, { recursive: true });
  const source = join(root, 'node_modules', 'better-sqlite3');
  cpSync(source, stagedModule, {
    recursive: true,
    filter: (src) => !relative(source, src).split(sep).includes('build'),
  });
  writeFileSync(
    join(paths.stage, 'package.json'),
    JSON.stringify(
      { name: 'imagenot-electron-native', private: true, dependencies: { 'better-sqlite3': wanted.betterSqlite3 } },
      null,
      2,
    ),
  );
  try {
    const { rebuild } = await import('@electron/rebuild');
    await rebuild({
      buildPath: paths.stage,
      projectRootPath: paths.stage,
      electronVersion: wanted.electron,
      arch: wanted.arch,
      onlyModules: ['better-sqlite3'],
      force: true,
      mode: 'sequential',
    });
    const output = join(stagedModule, 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(output)) throw new Error(`@electron/rebuild finished but ${output} is missing`);
    cpSync(output, paths.binary);
    writeFileSync(paths.stamp, JSON.stringify(wanted, null, 2) + '\n');
  } catch (err) {
    console.error(
      `imagenot: building better-sqlite3 for Electron ${wanted.electron} failed: ${(err as Error).message}\n` +
        "It needs the network once (a prebuilt binary from better-sqlite3's GitHub releases, or Electron's headers and a C++ compiler).",
    );
    return 1;
  } finally {
    rmSync(paths.stage, { recursive: true, force: true });
  }
  console.log(`built ${relative(root, paths.binary)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
