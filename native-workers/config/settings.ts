// Every IMAGENOT_* environment variable, declared once: its name, type, default and what it does. Code reads them
// through `config` (parsed on each read, so a value set later, or by a test, is seen), never through process.env;
// docs/configuration.md is generated from this table (`npm run docs:config`) and a test keeps the two equal.
// Variables read outside TypeScript (the install and launcher scripts, the native addon) are declared here too.
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

type Source = Record<string, string | undefined>;

export type Audience = 'user' | 'app' | 'install' | 'test';

export const AUDIENCES: Record<Audience, string> = {
  user: 'Settings for users',
  app: 'Set by the app for its own processes (a packaged build, the desktop shell)',
  install: 'Install, build and launch scripts',
  test: 'Test suite and benchmarks',
};

export interface Setting<T> {
  name: `IMAGENOT_${string}`;
  /** Older names still read when `name` is unset; reading one warns once. */
  deprecatedNames?: `IMAGENOT_${string}`[];
  type: string;
  /** The default as a user reads it. */
  default: string;
  doc: string;
  audience: Audience;
  /** Where it is read when not by TypeScript through `config` (such a setting has no `parse`). */
  readBy?: string;
  parse?: (raw: string | undefined, env: Source) => T;
}

/** A setting code reads through `config`. */
function declare<T>(s: Setting<T> & { parse: (raw: string | undefined, env: Source) => T }) {
  return s;
}

/** A setting read outside TypeScript (it has no parser here). */
function external(s: Setting<never> & { readBy: string }) {
  return s;
}

const optionalPath = (raw: string | undefined) => raw || undefined;

export const TF_BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
const NATIVE_LOOP_BUILDS = ['avx512', 'avx2', 'baseline'] as const;
const DEFAULT_HF_HUB = 'https://huggingface.co';

export const SETTINGS = {
  cacheDir: declare({
    name: 'IMAGENOT_CACHE_DIR',
    type: 'path',
    default: '`$XDG_CACHE_HOME/imagenot`, else `~/.cache/imagenot`',
    doc: 'Cache of derived files shared by workspaces (the compact WordNet index, GloVe vectors).',
    audience: 'user',
    parse: (raw, env) => raw || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'imagenot'),
  }),
  hfHub: declare({
    name: 'IMAGENOT_HF_HUB',
    type: 'URL',
    default: `\`$HF_ENDPOINT\` (huggingface_hub's variable, for mirrors), else ${DEFAULT_HF_HUB}`,
    doc: 'The Hugging Face Hub that `imagenot models add --download` fetches from.',
    audience: 'user',
    parse: (raw, env) => (raw ?? env.HF_ENDPOINT ?? DEFAULT_HF_HUB).replace(/\/+$/, ''),
  }),
  onnxDevice: declare({
    name: 'IMAGENOT_ONNX_DEVICE',
    type: '`cpu` | `cuda`',
    default: '`cpu`',
    doc: "Where the ONNX encoders run: `cuda` uses onnxruntime-node's CUDA execution provider.",
    audience: 'user',
    parse: (raw) => {
      const v = (raw ?? 'cpu').toLowerCase();
      if (v !== 'cpu' && v !== 'cuda') throw new Error(`IMAGENOT_ONNX_DEVICE must be 'cpu' or 'cuda', got '${v}'`);
      return v;
    },
  }),
  python: declare({
    name: 'IMAGENOT_PYTHON',
    type: 'path or command',
    default: '`python3` on PATH',
    doc: 'The Python with PyTorch and torchvision that the torch training engine runs (`train --engine torch`); `--python` wins.',
    audience: 'user',
    parse: optionalPath,
  }),
  torchTrainer: declare({
    name: 'IMAGENOT_TORCH_TRAINER',
    type: 'path',
    default: '`trainers/torch/train.py` next to the sources or the bundle',
    doc: "The PyTorch engine's trainer script, where an installation keeps it elsewhere.",
    audience: 'app',
    parse: optionalPath,
  }),
  tfBackend: declare({
    name: 'IMAGENOT_TF_BACKEND',
    type: TF_BACKENDS.map((b) => `\`${b}\``).join(' | '),
    default: 'the first that loads, in that order',
    doc: 'Forces one TensorFlow.js backend for training.',
    audience: 'user',
    // Checked where the backend is chosen (io/tf-engine/backend.ts), which also takes one from its caller.
    parse: (raw) => raw || undefined,
  }),
  wasmThreads: declare({
    name: 'IMAGENOT_WASM_THREADS',
    type: '`0` | `1`',
    default: 'on, unless the native oneDNN kernels are loaded',
    doc: "Turns the wasm backend's thread pool off (`0`) or on (`1`).",
    audience: 'user',
    parse: (raw): boolean | undefined => (raw === '1' ? true : raw === '0' ? false : undefined),
  }),
  nativeKernels: declare({
    name: 'IMAGENOT_NATIVE_KERNELS',
    type: '`0` | `1`',
    default: '`1`',
    doc: '`0` turns the native oneDNN training kernels off (the wasm backend then runs everything).',
    audience: 'user',
    parse: (raw) => raw !== '0',
  }),
  nativeLoops: external({
    name: 'IMAGENOT_NATIVE_LOOPS',
    type: NATIVE_LOOP_BUILDS.map((b) => `\`${b}\``).join(' | '),
    default: 'the best this CPU runs',
    doc: "Which build of the native kernels' element loops runs (a machine with AVX-512 can test the others).",
    audience: 'user',
    readBy: 'the native addon (io/tf-engine/native/kernels.cc)',
  }),
  onednnBlocked: external({
    name: 'IMAGENOT_ONEDNN_BLOCKED',
    type: '`0` | `1`',
    default: '`0`',
    doc: "`1` lets oneDNN's convolutions keep activations in its blocked layout instead of NHWC.",
    audience: 'user',
    readBy: 'the native addon (io/tf-engine/native/kernels.cc)',
  }),
  rendererDir: declare({
    name: 'IMAGENOT_RENDERER_DIR',
    type: 'path',
    default: "dist/renderer next to the CLI, else the checkout's dist/renderer",
    doc: 'The built renderer `imagenot serve` serves (only there when set; built there from a source checkout).',
    audience: 'user',
    parse: optionalPath,
  }),
  assetsDir: declare({
    name: 'IMAGENOT_ASSETS_DIR',
    deprecatedNames: ['IMAGENOT_ASSETS'],
    type: 'path',
    default: 'assets/ of the checkout or the build',
    doc: 'Folder of the bundled assets (ImageNet-1k wnids, the torchvision reference table); the bundles set it.',
    audience: 'app',
    parse: optionalPath,
  }),
  migrationsDir: declare({
    name: 'IMAGENOT_MIGRATIONS_DIR',
    type: 'path',
    default: 'store/migrations next to the sources',
    doc: "Folder of the SQL migrations; the desktop app points it at the build's copy.",
    audience: 'app',
    parse: optionalPath,
  }),
  electronSqlite: declare({
    name: 'IMAGENOT_ELECTRON_SQLITE',
    type: 'path',
    default: 'required under Electron; unused under Node',
    doc: "better-sqlite3's binary built for Electron's ABI; the desktop main process sets it for itself and its workers.",
    audience: 'app',
    parse: optionalPath,
  }),
  useDist: external({
    name: 'IMAGENOT_USE_DIST',
    type: '`0` | `1`',
    default: '`0`',
    doc: '`1` makes bin/imagenot.mjs run the esbuild bundle (dist/cli.mjs) instead of the sources, as packaged apps do.',
    audience: 'install',
    readBy: 'bin/imagenot.mjs',
  }),
  requireNative: external({
    name: 'IMAGENOT_REQUIRE_NATIVE',
    type: '`0` | `1`',
    default: '`0`',
    doc: '`1` makes a failed build of the native kernels fail `npm install` (CI sets it).',
    audience: 'install',
    readBy: 'scripts/build-native.mjs',
  }),
  skipNative: external({
    name: 'IMAGENOT_SKIP_NATIVE',
    type: '`0` | `1`',
    default: '`0`',
    doc: '`1` skips building the native kernels on install.',
    audience: 'install',
    readBy: 'scripts/build-native.mjs',
  }),
  testWorkers: declare({
    name: 'IMAGENOT_TEST_WORKERS',
    type: 'paths, separated like PATH',
    default: 'none',
    doc: "Modules default-exporting extra job kinds (the job system's tests add one); the product knows only its registry.",
    audience: 'test',
    parse: (raw) => (raw ?? '').split(delimiter).filter(Boolean),
  }),
  testTimeout: external({
    name: 'IMAGENOT_TEST_TIMEOUT',
    type: 'milliseconds',
    default: '`900000`',
    doc: 'Per-test timeout of `npm test`.',
    audience: 'test',
    readBy: 'test/run.mjs',
  }),
  chromium: declare({
    name: 'IMAGENOT_CHROMIUM',
    type: 'path',
    default: '`/usr/bin/chromium`',
    doc: 'The Chromium the end-to-end tests drive.',
    audience: 'test',
    parse: (raw) => raw ?? '/usr/bin/chromium',
  }),
  torchPython: declare({
    name: 'IMAGENOT_TORCH_PYTHON',
    type: 'path',
    default: '`$IMAGENOT_PYTHON`, else `/usr/bin/python3`',
    doc: 'The Python with torch and torchvision that reference tests compare against.',
    audience: 'test',
    parse: (raw, env) => raw ?? env.IMAGENOT_PYTHON ?? '/usr/bin/python3',
  }),
  benchTrainSteps: declare({
    name: 'IMAGENOT_BENCH_TRAIN_STEPS',
    type: 'integer',
    default: '`8`',
    doc: 'Training steps per architecture in the training benchmark.',
    audience: 'test',
    parse: (raw) => Number(raw ?? 8),
  }),
  benchTrainArchs: declare({
    name: 'IMAGENOT_BENCH_TRAIN_ARCHS',
    type: 'comma-separated architectures',
    default: '`resnet152,mobilenet_v3_large`',
    doc: 'Architectures the training benchmark runs.',
    audience: 'test',
    parse: (raw) => (raw ?? 'resnet152,mobilenet_v3_large').split(','),
  }),
  benchTrainTimeoutS: declare({
    name: 'IMAGENOT_BENCH_TRAIN_TIMEOUT_S',
    type: 'seconds',
    default: '`600`',
    doc: 'Time limit of each side of the training benchmark.',
    audience: 'test',
    parse: (raw) => Number(raw ?? 600),
  }),
};

export type SettingKey = {
  [K in keyof typeof SETTINGS]: (typeof SETTINGS)[K] extends { parse: (...args: never[]) => unknown } ? K : never;
}[keyof typeof SETTINGS];
export type SettingValue<K extends SettingKey> = ReturnType<(typeof SETTINGS)[K]['parse']>;

const warned = new Set<string>();

/** The raw value of a setting in `env`: its name, else (with a one-time deprecation warning) an older name. */
function rawSetting(setting: Setting<unknown>, env: Source = process.env): string | undefined {
  if (env[setting.name] !== undefined) return env[setting.name];
  for (const old of setting.deprecatedNames ?? []) {
    if (env[old] === undefined) continue;
    if (!warned.has(old)) {
      warned.add(old);
      process.emitWarning(`${old} is deprecated: set ${setting.name} instead`, 'DeprecationWarning');
    }
    return env[old];
  }
  return undefined;
}

/** A setting parsed from `env` (default: this process's environment); a bad value throws naming the variable. */
export function readSetting<K extends SettingKey>(key: K, env: Source = process.env): SettingValue<K> {
  const setting = SETTINGS[key];
  return setting.parse(rawSetting(setting, env), env) as SettingValue<K>;
}

/** Sets a setting for this process and the processes it starts, unless it is already set (a user's value wins). */
export function setSettingDefault(key: SettingKey, value: string): void {
  const name = SETTINGS[key].name;
  if (rawSetting(SETTINGS[key]) === undefined) process.env[name] = value;
}

/** The settings, read from this process's environment each time (as transformers.js's `env`, but read-only). */
export const config = Object.defineProperties(
  {},
  Object.fromEntries(
    Object.keys(SETTINGS)
      .filter((k) => 'parse' in SETTINGS[k as keyof typeof SETTINGS])
      .map((k) => [k, { enumerable: true, get: () => readSetting(k as SettingKey) }]),
  ),
) as { readonly [K in SettingKey]: SettingValue<K> };
