#!/usr/bin/env node
// The `imagenot` command. It runs the TypeScript sources through tsx (a dependency), so a checkout needs no build
// step; IMAGENOT_USE_DIST=1 runs the esbuild bundle from `npm run build` (dist/cli.mjs) instead, as packaged apps do.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundled = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (process.env.IMAGENOT_USE_DIST === '1' && existsSync(bundled)) {
  await import(pathToFileURL(bundled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../native-workers/cli/main.ts');
}
