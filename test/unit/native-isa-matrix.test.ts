// The native kernels under every instruction set this CPU runs, not only its best: oneDNN picks a different
// implementation per ISA (an AVX2-only one wrote past its scratch memory and gave wrong filter gradients, while the
// AVX-512 machine the kernels were written on passed), and our element loops are built three times (avx512, avx2,
// baseline). Each level below re-runs the kernel suite and the whole-model gradient test in a child process with
// oneDNN capped (ONEDNN_MAX_CPU_ISA) and our loops forced (IMAGENOT_NATIVE_LOOPS). The level the plain test files
// already run at (the CPU's defaults) is not repeated. Skipped without the addon, except in CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { nativeKernelInfo, nativeKernelsUnavailable } from '../../native-workers/io/tf-engine/native-kernels.ts';
import { repoRoot } from '../helpers/workspace.ts';

const unavailable = nativeKernelsUnavailable();
const levels = [
  { onednn: 'AVX512_CORE', loops: 'avx512' },
  { onednn: 'AVX2', loops: 'avx2' },
  { onednn: 'SSE41', loops: 'baseline' },
];
const files = ['test/unit/native-kernels.test.ts', 'test/unit/native-models.test.ts'];

if (unavailable && process.env.CI !== 'true') {
  test('native kernels under each instruction set', { skip: `addon unavailable: ${unavailable}` }, () => {});
} else {
  const info = nativeKernelInfo()!;
  for (const level of levels) {
    const runnable = info.runnableLoops.includes(level.loops);
    const isDefault = info.isa === level.onednn && info.loops === level.loops;
    const skip = !runnable
      ? `this CPU lacks ${level.loops}`
      : isDefault
        ? 'the CPU default: the plain test files run it'
        : false;
    test(`native kernels and whole-model gradients with oneDNN capped at ${level.onednn} and the ${level.loops} loops`, {
      skip,
    }, () => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ONEDNN_MAX_CPU_ISA: level.onednn,
        IMAGENOT_NATIVE_LOOPS: level.loops,
      };
      delete env.NODE_TEST_CONTEXT; // set by a parent test runner: the child would report to it instead of printing TAP
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
        cwd: repoRoot,
        env,
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      const failures = r.stdout.split('\n').filter((l) => /^\s*not ok|error:|max abs difference|wrote past/.test(l));
      assert.equal(
        r.status,
        0,
        `${level.onednn}/${level.loops}: exit ${r.status ?? r.signal}\n${failures.slice(0, 20).join('\n')}\n${r.stderr.slice(-2000)}`,
      );
      assert.match(r.stdout, /^# fail 0$/m);
      assert.doesNotMatch(r.stdout, /^# pass 0$/m);
    });
  }
}
