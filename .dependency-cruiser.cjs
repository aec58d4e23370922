// The rooms and what each may import: one table, turned into dependency-cruiser's forbidden rules below.
// test/unit/import-boundaries.test.ts runs it over the sources and checks that every room's README states its
// "May import:" line as the table says (the table is exported as `rooms`, not enumerable: dependency-cruiser clones
// its configuration and rejects unknown keys). A room may always import itself; paths are from the
// repository root; a path ending in `/` is a whole folder.
const NW = 'native-workers/';

/** @type {Record<string, { may: string[]; readme: string; why?: string }>} */
const ROOMS = {
  [`${NW}core/`]: { may: [], readme: `${NW}core/README.md` },
  [`${NW}config/`]: { may: [], readme: `${NW}config/README.md` },
  [`${NW}store/`]: { may: [`${NW}core/`, `${NW}config/`], readme: `${NW}store/README.md` },
  [`${NW}io/`]: { may: [`${NW}core/`, `${NW}config/`], readme: `${NW}io/README.md` },
  [`${NW}jobs/`]: { may: [`${NW}core/`, `${NW}store/`, `${NW}config/`], readme: `${NW}jobs/README.md` },
  [`${NW}workers/`]: {
    may: [
      `${NW}core/`,
      `${NW}store/`,
      `${NW}io/`,
      `${NW}config/`,
      `${NW}jobs/worker-context.ts`,
      `${NW}jobs/protocol.ts`,
    ],
    readme: `${NW}workers/README.md`,
  },
  [`${NW}api/`]: {
    may: [
      `${NW}core/`,
      `${NW}store/`,
      `${NW}io/`,
      `${NW}config/`,
      `${NW}jobs/runner.ts`,
      `${NW}workers/synset-catalog.ts`,
      `${NW}workers/demo-inputs.ts`,
    ],
    readme: `${NW}api/README.md`,
  },
  [`${NW}server/`]: {
    may: [`${NW}api/`, `${NW}jobs/runner.ts`, `${NW}store/`, `${NW}io/net-addresses.ts`, `${NW}config/`],
    readme: `${NW}server/README.md`,
  },
  [`${NW}cli/`]: {
    may: [
      `${NW}core/`,
      `${NW}store/`,
      `${NW}io/`,
      `${NW}config/`,
      `${NW}jobs/runner.ts`,
      `${NW}workers/`,
      `${NW}api/`,
      `${NW}server/`,
      'package.json',
    ],
    readme: `${NW}cli/README.md`,
  },
  'electron/': {
    may: [
      `${NW}api/`,
      `${NW}jobs/runner.ts`,
      `${NW}workers/registry.ts`,
      `${NW}server/media.ts`,
      `${NW}server/events.ts`,
      `${NW}store/workspace.ts`,
      `${NW}config/`,
    ],
    readme: 'electron/README.md',
  },
  'renderer/': {
    may: [`${NW}api/contract.ts`, `${NW}api/channel.ts`, `${NW}api/channels/`, 'electron/desktop-channels.ts'],
    readme: 'renderer/README.md',
  },
};

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pattern = (p) => `^${escapeRegExp(p)}${p.endsWith('/') ? '' : '$'}`;

const roomRules = Object.entries(ROOMS).map(([room, { may }]) => ({
  name: `room:${room}`,
  comment: `${room} may import only ${may.join(', ') || 'itself'} (${ROOMS[room].readme})`,
  severity: 'error',
  from: { path: pattern(room) },
  to: { path: `^(${NW}|renderer/|electron/|package\\.json$)`, pathNot: [room, ...may].map(pattern) },
}));

const NODE_IO = [
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'http',
  'https',
  'worker_threads',
  'dgram',
  'dns',
  'tls',
  'cluster',
];
const NATIVE_PACKAGES = ['better-sqlite3', 'sharp', 'onnxruntime-node', 'electron'];

module.exports = {
  forbidden: [
    ...roomRules,
    {
      name: 'core-is-pure',
      comment: 'core/ is domain logic without I/O: no file, process or network modules, no SQLite, no native addons',
      severity: 'error',
      from: { path: pattern(`${NW}core/`) },
      to: {
        dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-no-pkg', 'npm-unknown'],
        path: [
          `^(node:)?(${NODE_IO.map(escapeRegExp).join('|')})$`,
          `^(${NATIVE_PACKAGES.map(escapeRegExp).join('|')})(/|$)`,
        ],
      },
    },
    {
      name: 'renderer-has-no-node',
      comment: 'the renderer runs in a sandboxed page: no Node built-ins, no native modules',
      severity: 'error',
      from: { path: '^renderer/' },
      to: {
        dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-no-pkg', 'npm-unknown'],
        path: [
          '^node:',
          `^(${NODE_IO.map(escapeRegExp).join('|')}|path|os|crypto|url)$`,
          `^(${NATIVE_PACKAGES.map(escapeRegExp).join('|')})(/|$)`,
        ],
      },
    },
    {
      name: 'no-unresolvable',
      comment: 'an import that does not resolve cannot be checked',
      severity: 'error',
      from: { path: `^(${NW}|renderer/|electron/)` },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '/build/', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    moduleSystems: ['es6', 'cjs'],
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
  },
};

Object.defineProperty(module.exports, 'rooms', { value: ROOMS, enumerable: false });
