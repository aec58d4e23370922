#!/usr/bin/env node
// The `imagenot` command. From a source checkout it runs the TypeScript directly through tsx (a dependency);
// a packaged app ships the bundled dist/cli.mjs instead.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundled = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (process.env.IMAGENOT_FROM_SOURCE !== '1' && existsSync(bundled) && process.env.IMAGENOT_USE_DIST === '1') {
  await import(pathToFileURL(bundled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../native-workers/cli/main.ts');
}
