// Each room may import only what native-workers/README.md allows; this test holds that line for every source file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { repoRoot } from '../helpers/workspace.ts';

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'node_modules' ? [] : sources(p);
    return /\.(ts|tsx)$/.test(n) && !n.endsWith('.d.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** The room of a file: the first folder under native-workers/, or the top-level folder. */
function roomOf(abs: string): string {
  const rel = relative(repoRoot, abs).split(sep);
  return rel[0] === 'native-workers' ? `nw/${rel[1]}` : rel[0];
}

const allowed: Record<string, (target: string) => boolean> = {
  'nw/core': (t) => t === 'nw/core',
  'nw/store': (t) => ['nw/core', 'nw/store'].includes(t),
  'nw/io': (t) => ['nw/core', 'nw/io'].includes(t),
};

const NODE_IO = /^(node:)?(fs|fs\/promises|child_process|net|http|https|worker_threads|electron)$/;

test('core is pure: no I/O modules, no SQLite, no Electron, imports only core', () => {
  const bad: string[] = [];
  for (const f of sources(join(repoRoot, 'native-workers', 'core'))) {
    for (const spec of importsOf(f)) {
      if (NODE_IO.test(spec) || /better-sqlite3|sharp|onnxruntime|electron/.test(spec)) bad.push(`${relative(repoRoot, f)} imports ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('rooms import only what they may', () => {
  const bad: string[] = [];
  for (const [room, ok] of Object.entries(allowed)) {
    for (const f of sources(join(repoRoot, 'native-workers', room.slice(3)))) {
      for (const spec of importsOf(f)) {
        if (!spec.startsWith('.')) continue;
        const target = roomOf(resolve(dirname(f), spec));
        if (!ok(target)) bad.push(`${relative(repoRoot, f)} (${room}) imports ${spec} (${target})`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('the renderer imports from native-workers only the API contract (types and schemas)', () => {
  const bad: string[] = [];
  for (const f of sources(join(repoRoot, 'renderer'))) {
    for (const spec of importsOf(f)) {
      if (!spec.startsWith('.')) {
        if (/^(node:|better-sqlite3|sharp|onnxruntime|electron$)/.test(spec)) bad.push(`${relative(repoRoot, f)} imports ${spec}`);
        continue;
      }
      const abs = resolve(dirname(f), spec);
      const rel = relative(repoRoot, abs).split(sep).join('/');
      if (rel.startsWith('native-workers/') && !/^native-workers\/api\/(contract|channel|channels\/[\w-]+)(\.ts)?$/.test(rel)) {
        bad.push(`${relative(repoRoot, f)} imports ${spec}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});
