#!/usr/bin/env node
// Builds the app into dist/: the renderer (Vite -> dist/renderer), the Electron main + preload (esbuild, CommonJS:
// a sandboxed preload must be one CJS file), the CLI and the worker entry (esbuild, ESM -> dist/cli.mjs and
// dist/worker-host.mjs side by side, as jobs/runner.ts expects) and the SQL migrations (-> dist/migrations, where
// store/workspace.ts looks next to the bundle). npm packages stay external: electron-builder ships node_modules, and
// native modules (better-sqlite3, onnxruntime-node, sharp, tfjs-node) cannot be bundled anyway.
//   node scripts/build.mjs             everything
// (dist/decode-worker.mjs is the training input pipeline's worker_thread.)
//   node scripts/build.mjs --renderer  only the renderer (what browser mode and the e2e tests need)
//   node scripts/build.mjs --renderer --out DIR   the renderer into DIR instead of dist/renderer (`imagenot serve`
//                                      builds a missing renderer this way)
import { build as esbuild } from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const onlyRenderer = process.argv.includes('--renderer');
const outFlag = process.argv.indexOf('--out');
const rendererOut =
  outFlag >= 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]) : join(dist, 'renderer');

async function buildRenderer() {
  const { build } = await import('vite');
  const { default: react } = await import('@vitejs/plugin-react');
  await build({
    root: join(root, 'renderer'),
    base: './', // relative asset URLs: the same build loads from http://, file:// and the app protocol
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir: rendererOut, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000 },
  });
}

/** Node-side bundles share these settings. */
const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
};

async function buildNode() {
  // CLI + worker host: two self-contained ESM files side by side (the registry's lazy imports of job kinds are
  // bundled in and still initialised lazily), so `new URL('./worker-host.mjs', import.meta.url)` finds the worker.
  await esbuild({
    ...nodeCommon,
    format: 'esm',
    entryPoints: {
      cli: 'native-workers/cli/main.ts',
      'worker-host': 'native-workers/workers/worker-host.ts',
      // io/train-data/loader.ts starts this worker_thread from next to the bundle.
      'decode-worker': 'native-workers/io/train-data/decode-worker.ts',
    },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    absWorkingDir: root,
    // Bundled code finds assets/ (reference tables, WordNet extras) one level up from dist/, as in a source checkout.
    banner: {
      js:
        "import { createRequire as __imagenotCreateRequire } from 'node:module'; const require = __imagenotCreateRequire(import.meta.url);" +
        "process.env.IMAGENOT_ASSETS_DIR ??= new URL('../assets', import.meta.url).pathname;",
    },
  });
  // Electron main: CommonJS. The native-workers code it bundles locates worker-host.mjs and migrations/ through
  // import.meta.url, so that URL is defined as if the code lived in dist/ (where those files are).
  await esbuild({
    ...nodeCommon,
    format: 'cjs',
    entryPoints: { main: 'electron/main.ts' },
    outdir: join(dist, 'electron'),
    outExtension: { '.js': '.cjs' },
    absWorkingDir: root,
    define: { 'import.meta.url': '__imagenotDistUrl' },
    // runner.ts uses import.meta.resolve only when running from TypeScript sources, never in this bundle.
    logOverride: { 'empty-import-meta': 'silent' },
    banner: {
      js:
        "const __imagenotDistUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', 'main.cjs')).href;" +
        "process.env.IMAGENOT_ASSETS_DIR ??= require('node:path').join(__dirname, '..', '..', 'assets');",
    },
  });
  // Preload: sandboxed preloads may require only 'electron' (and a few built-ins): one self-contained CJS file.
  await esbuild({
    ...nodeCommon,
    packages: undefined,
    external: ['electron'],
    platform: 'node',
    format: 'cjs',
    entryPoints: { preload: 'electron/preload.ts' },
    outdir: join(dist, 'electron'),
    outExtension: { '.js': '.cjs' },
    absWorkingDir: root,
  });
  // The PyTorch trainer (Python, run by the user's interpreter): io/torch-engine finds it next to the bundle.
  rmSync(join(dist, 'trainers'), { recursive: true, force: true });
  cpSync(join(root, 'native-workers', 'trainers', 'torch'), join(dist, 'trainers', 'torch'), {
    recursive: true,
    filter: (src) => !src.includes('__pycache__'),
  });
  rmSync(join(dist, 'migrations'), { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  cpSync(join(root, 'native-workers', 'store', 'migrations'), join(dist, 'migrations'), { recursive: true });
  // The native training kernels (when built): io/tf-engine/native-addon.ts looks for them next to the bundle.
  const addon = join('native', 'build', 'Release', 'imagenot_kernels.node');
  rmSync(join(dist, 'native'), { recursive: true, force: true });
  if (existsSync(join(root, 'native-workers', 'io', 'tf-engine', addon))) {
    mkdirSync(join(dist, 'native', 'build', 'Release'), { recursive: true });
    cpSync(join(root, 'native-workers', 'io', 'tf-engine', addon), join(dist, addon));
  }
}

const started = Date.now();
try {
  await buildRenderer();
  if (!onlyRenderer) await buildNode();
  const what = onlyRenderer
    ? `renderer into ${rendererOut}`
    : 'renderer, electron, cli, worker-host, migrations, torch trainer into dist/';
  console.log(`built ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  console.error(`build failed: ${err?.message ?? err}`);
  process.exit(1);
}
