#!/usr/bin/env node
// Builds the optional native training kernels (native-workers/io/tf-engine/native: oneDNN under the wasm backend)
// with node-gyp. Runs as the package's postinstall and as `npm run build:native`.
// Needs Debian's libdnnl-dev (oneDNN headers + library: `apt-get install libdnnl-dev`) and a C++ compiler. Without
// them training still works on plain wasm, much slower, so a failed build is a warning, not an install failure,
// unless IMAGENOT_REQUIRE_NATIVE=1 (CI sets it: there the kernels are tested and must exist).
// IMAGENOT_SKIP_NATIVE=1 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'native-workers', 'io', 'tf-engine', 'native');
const required = process.env.IMAGENOT_REQUIRE_NATIVE === '1';

function give(reason) {
  const msg = `imagenot: native oneDNN kernels not built: ${reason}. Training falls back to the plain wasm kernels.`;
  if (required) {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
  process.exit(0);
}

if (process.env.IMAGENOT_SKIP_NATIVE === '1') give('IMAGENOT_SKIP_NATIVE=1');
if (!existsSync('/usr/include/oneapi/dnnl/dnnl.hpp') && !process.env.CPATH) {
  give('oneDNN headers not found (/usr/include/oneapi/dnnl/dnnl.hpp): apt-get install libdnnl-dev');
}

// npm hands lifecycle scripts its bundled node-gyp; otherwise use the one in node_modules.
let nodeGyp = process.env.npm_config_node_gyp;
if (!nodeGyp || !existsSync(nodeGyp)) {
  try {
    nodeGyp = createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    give('node-gyp not found');
  }
}
// Build against the running Node's own headers when they are installed (no download: this may run offline).
const args = [nodeGyp, 'rebuild'];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h')))
  args.push(`--nodedir=${prefix}`);
const r = spawnSync(process.execPath, args, { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
if (r.status !== 0) give(`node-gyp exited with ${r.status ?? r.signal}`);
console.log('imagenot: native oneDNN kernels built');
