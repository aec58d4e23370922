// The built renderer that browser mode serves, and building it on first use. `npm install` leaves no dist/, so in a
// source checkout `imagenot serve` builds the renderer (scripts/build.mjs --renderer, a few seconds) the first time
// it finds none; a packaged or bundled install ships it built.
import { spawn } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface RendererPlaces {
  /** Folders that may hold a built renderer (index.html), in order of preference. */
  candidates: string[];
  /** Where to build one when none is found; null: never build (a bundle without its sources). */
  buildInto: string | null;
  /** scripts/build.mjs of the source checkout, when there is one. */
  buildScript: string | null;
}

export function findBuiltRenderer(candidates: string[]): string | null {
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/** Why the renderer cannot be built here, or null when it can (the build script and Vite, a devDependency, exist). */
export function cannotBuild(places: RendererPlaces): string | null {
  if (!places.buildInto || !places.buildScript || !existsSync(places.buildScript))
    return 'this install has no renderer sources to build';
  try {
    createRequire(places.buildScript).resolve('vite');
  } catch {
    return 'Vite (a devDependency) is not installed: run `npm install` with dev dependencies';
  }
  return null;
}

/**
 * The built renderer, building it first when there is none and it can be built. The build goes to a private folder
 * that is renamed into place, so two `serve` processes starting at once never serve a half-written build. Returns
 * null (and says why through `log`) when there is none and it cannot be built.
 */
export async function ensureRenderer(places: RendererPlaces, log: (line: string) => void): Promise<string | null> {
  const found = findBuiltRenderer(places.candidates);
  if (found) return found;
  const why = cannotBuild(places);
  if (why) {
    log(`the renderer is not built and cannot be built here: ${why}`);
    return null;
  }
  const target = places.buildInto!;
  const staging = `${target}.building-${process.pid}`;
  log(`building the renderer into ${target} (first run of browser mode) ...`);
  const started = Date.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [places.buildScript!, '--renderer', '--out', staging], {
      cwd: dirname(dirname(places.buildScript!)),
      // Build output goes to stderr: serve's stdout carries only the URL.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => process.stderr.write(d));
    child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    child.on('error', () => resolve(null));
    child.on('close', (c) => resolve(c));
  });
  if (code !== 0 || !existsSync(join(staging, 'index.html'))) {
    rmSync(staging, { recursive: true, force: true });
    log(`building the renderer failed (exit ${code}): run \`node scripts/build.mjs --renderer\` to see why`);
    return null;
  }
  // A folder without index.html is a broken earlier build: replaced.
  if (!existsSync(join(target, 'index.html'))) rmSync(target, { recursive: true, force: true });
  try {
    renameSync(staging, target);
  } catch {
    // Another process put its build there first: use that one.
    rmSync(staging, { recursive: true, force: true });
  }
  log(`renderer built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return findBuiltRenderer([target]);
}
