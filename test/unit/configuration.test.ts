// The IMAGENOT_* environment variables: all declared in native-workers/config/settings.ts, read only through it, the
// generated docs/configuration.md current, the deprecated name still honoured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../helpers/workspace.ts';
import { readSetting, SETTINGS, type Setting } from '../../native-workers/config/settings.ts';
import { configurationReference } from '../../native-workers/config/reference.ts';

const SKIP = new Set(['node_modules', 'dist', 'build', '.git', 'artifacts']);
function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return SKIP.has(n) ? [] : files(p, ext);
    return ext.test(n) ? [p] : [];
  });
}

const declared = new Set<string>(
  Object.values(SETTINGS as Record<string, Setting<unknown>>).flatMap((s) => [s.name, ...(s.deprecatedNames ?? [])]),
);
const SOURCE = /\.(ts|tsx|mjs|cjs|cc|h|yml|sh)$|^run$/;
const ROOTS = ['native-workers', 'electron', 'renderer', 'scripts', 'bin', 'test', 'bench', '.ci'];

test('docs/configuration.md is generated from the declarations (npm run docs:config)', () => {
  assert.equal(readFileSync(join(repoRoot, 'docs', 'configuration.md'), 'utf8'), configurationReference());
});

test('every IMAGENOT_* variable the code names is declared', () => {
  const unknown = new Set<string>();
  const sources = ROOTS.flatMap((r) => files(join(repoRoot, r), SOURCE)).concat(join(repoRoot, 'electron-builder.yml'));
  for (const f of sources) {
    for (const [name] of readFileSync(f, 'utf8').matchAll(/\bIMAGENOT_[A-Z0-9_]*[A-Z0-9]\b/g)) {
      // Preprocessor macros of the native addon, not variables.
      if (f.endsWith('.cc') && /_X86_LOOPS$/.test(name)) continue;
      if (!declared.has(name)) unknown.add(`${name} (${relative(repoRoot, f)})`);
    }
  }
  assert.deepEqual([...unknown], []);
});

test('TypeScript outside config/ reads IMAGENOT_* only through config (tests may set them)', () => {
  const direct: string[] = [];
  const roots = ['native-workers', 'electron', 'renderer', 'scripts', 'bench', join('test', 'helpers')];
  for (const f of roots.flatMap((r) => files(join(repoRoot, r), /\.tsx?$/))) {
    const rel = relative(repoRoot, f);
    if (rel.startsWith(join('native-workers', 'config'))) continue;
    if (/process\.env(\.IMAGENOT_|\[\s*['"`]IMAGENOT_)/.test(readFileSync(f, 'utf8'))) direct.push(rel);
  }
  assert.deepEqual(direct, []);
});

test('the deprecated IMAGENOT_ASSETS still sets the assets folder; IMAGENOT_ASSETS_DIR wins over it', () => {
  assert.equal(readSetting('assetsDir', { IMAGENOT_ASSETS: '/old' }), '/old');
  assert.equal(readSetting('assetsDir', { IMAGENOT_ASSETS: '/old', IMAGENOT_ASSETS_DIR: '/new' }), '/new');
  assert.equal(readSetting('assetsDir', {}), undefined);
});

test('values are parsed with their defaults, and a bad one names the variable', () => {
  assert.equal(readSetting('cacheDir', { XDG_CACHE_HOME: '/xdg' }), join('/xdg', 'imagenot'));
  assert.equal(readSetting('cacheDir', { IMAGENOT_CACHE_DIR: '/c', XDG_CACHE_HOME: '/xdg' }), '/c');
  assert.equal(readSetting('hfHub', { HF_ENDPOINT: 'https://mirror.example/' }), 'https://mirror.example');
  assert.equal(readSetting('hfHub', {}), 'https://huggingface.co');
  assert.equal(readSetting('onnxDevice', { IMAGENOT_ONNX_DEVICE: 'CUDA' }), 'cuda');
  assert.throws(
    () => readSetting('onnxDevice', { IMAGENOT_ONNX_DEVICE: 'tpu' }),
    /IMAGENOT_ONNX_DEVICE must be 'cpu' or 'cuda', got 'tpu'/,
  );
  assert.equal(readSetting('wasmThreads', {}), undefined);
  assert.equal(readSetting('wasmThreads', { IMAGENOT_WASM_THREADS: '0' }), false);
  assert.equal(readSetting('nativeKernels', {}), true);
  assert.equal(readSetting('nativeKernels', { IMAGENOT_NATIVE_KERNELS: '0' }), false);
  assert.deepEqual(readSetting('testWorkers', {}), []);
});
