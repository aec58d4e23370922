// Training throughput of our engine against PyTorch CPU on the same machine, same run: `imagenot bench train` (full
// size, random data, SGD momentum, 2 warm-up steps) vs ../shared/bench/torch_reference.py train (same settings, 2
// threads). Targets: >= 1.0x for resnet152 and mobilenet_v3_large at 96 px, batch 8; never below 0.5x.
// IMAGENOT_BENCH_TRAIN_STEPS (default 8) and IMAGENOT_BENCH_TRAIN_ARCHS (comma list) adjust the run. Both sides use
// two threads; on a busy machine PyTorch (libgomp spinning) collapses far more than we do (seen: 0.3 images/s for
// ResNet-152 with another process on the second core), so compare figures from a quiet run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { runStandalone, type BenchLine } from './types.ts';
import { config } from '../native-workers/config/settings.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const torchScript = resolve(root, '..', 'shared', 'bench', 'torch_reference.py');
const PYTHON = '/usr/bin/python3';

function torchAvailable(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing`;
  if (!existsSync(torchScript)) return `${torchScript} is missing`;
  const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  return r.status === 0
    ? null
    : 'python3-torch is not installed (apt-get install -y python3-torch python3-torchvision)';
}

function ours(
  arch: string,
  input: number,
  batch: number,
  steps: number,
): { images_per_s: number; backend: string; backend_detail: string } {
  const out = execFileSync(
    process.execPath,
    [
      join(root, 'bin', 'imagenot.mjs'),
      'bench',
      'train',
      '--arch',
      arch,
      '--input',
      String(input),
      '--batch',
      String(batch),
      '--steps',
      String(steps),
      '--json',
    ],
    {
      encoding: 'utf8',
      maxBuffer: 16 << 20,
      // Without the native kernels ResNet-152 at 96 px batch 8 needs more than wasm32's 4 GB heap (it stalls).
      timeout: config.benchTrainTimeoutS * 1000,
    },
  );
  return JSON.parse(out);
}

function torch(arch: string, input: number, batch: number, steps: number): number {
  const out = execFileSync(
    PYTHON,
    [torchScript, 'train', arch, '--input', String(input), '--batch', String(batch), '--steps', String(steps)],
    { encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').pop()!).images_per_s;
}

export async function run(): Promise<BenchLine[]> {
  const steps = config.benchTrainSteps;
  const archs = config.benchTrainArchs;
  const [input, batch] = [96, 8];
  const skip = torchAvailable();
  if (skip) console.log(`train: PyTorch reference skipped: ${skip}`);
  const lines: BenchLine[] = [];
  for (const arch of archs) {
    let mine;
    try {
      mine = ours(arch, input, batch, steps);
    } catch (err) {
      console.log(
        `train ${arch} ${input}px batch ${batch}: failed or timed out: ${(err as Error).message.split('\n')[0]}`,
      );
      continue;
    }
    const line: BenchLine = {
      name: `train ${arch} ${input}px batch ${batch} [${mine.backend_detail}]`,
      value: mine.images_per_s,
      unit: 'images/s',
      goal: '>= 1.0x (never < 0.5x)',
    };
    if (!skip) {
      const ref = torch(arch, input, batch, steps);
      Object.assign(line, { reference: 'PyTorch CPU', referenceValue: ref, ratio: mine.images_per_s / ref });
    }
    lines.push(line);
  }
  return lines;
}

await runStandalone(import.meta.url, run);
