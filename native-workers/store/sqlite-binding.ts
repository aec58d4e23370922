// Which better-sqlite3 binary a process loads. better-sqlite3 is a V8 addon, so its binary must match the ABI of the
// runtime loading it: system Node (the CLI, `serve`, the tests and their worker processes) loads the build that
// `npm install` made in node_modules/better-sqlite3; Electron (the desktop main process, and its worker processes,
// which run the Electron binary with ELECTRON_RUN_AS_NODE) loads a separate build for Electron's ABI made by
// scripts/electron-native.ts, whose path the main process puts in IMAGENOT_ELECTRON_SQLITE. The two builds never
// replace each other, so the CLI keeps working after `npm start`.
import { existsSync } from 'node:fs';
import { readSetting, SETTINGS } from '../config/settings.ts';

export const ELECTRON_SQLITE_ENV = SETTINGS.electronSqlite.name;

export interface Runtime {
  versions: Partial<Record<string, string>>;
  env: Record<string, string | undefined>;
}

/** The binary to pass as better-sqlite3's `nativeBinding`, or undefined for its own build (system Node). */
export function sqliteNativeBinding(runtime: Runtime = process): string | undefined {
  const electron = runtime.versions.electron;
  if (!electron) return undefined;
  const path = readSetting('electronSqlite', runtime.env);
  if (!path) {
    throw new Error(
      `running under Electron ${electron} without ${ELECTRON_SQLITE_ENV}: better-sqlite3 must be the build for Electron's ABI ` +
        '(the desktop main process sets it; start the app with `npm start`)',
    );
  }
  if (!existsSync(path)) {
    throw new Error(
      `better-sqlite3 built for Electron ${electron} is missing at ${path}: run \`npm run rebuild:electron\` (\`npm start\` runs it)`,
    );
  }
  return path;
}
