// Helpers of the PyTorch engine's tests: the Python they run (IMAGENOT_PYTHON, else Debian's /usr/bin/python3, which
// .ci/run gives python3-torch and python3-torchvision), whether it has torch, a WebDataset copy of an ImageFolder
// export, the trainer processes still alive, and the binomial tail used to call a run "above chance".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { readDatasetExport } from '../../native-workers/io/train-data/export-dataset.ts';
import { shardName, writeShard, type WebDatasetSample } from '../../native-workers/io/dataset/webdataset.ts';
import { seededShuffle } from '../../native-workers/core/selection/rng.ts';
import { config } from '../../native-workers/config/settings.ts';

export const torchPython = config.python ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

/**
 * A reason to skip the torch tests (torch missing) outside CI; in CI (.ci/run installs it) never: they must run.
 */
export function torchSkipReason(): string | false {
  const r = spawnSync(torchPython, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  if (r.status === 0) return false;
  if (process.env.CI && process.env.CI !== 'false') return false;
  const why = r.error
    ? `cannot run ${torchPython} (${r.error.message})`
    : `${torchPython} cannot import torch/torchvision (${r.stderr.trim().split('\n').pop()})`;
  return `${why}: apt-get install python3-torch python3-torchvision, or set IMAGENOT_PYTHON (in CI these tests run and fail instead)`;
}

/** The same images as an ImageFolder export, as WebDataset shards (train shuffled by `seed`, as `export` does). */
export async function writeWebDatasetCopy(
  imageFolder: string,
  out: string,
  opts: { shardSize: number; seed: number },
): Promise<void> {
  const data = readDatasetExport(imageFolder);
  mkdirSync(out, { recursive: true });
  for (const split of ['train', 'test'] as const) {
    const items = split === 'train' ? seededShuffle(data[split], opts.seed) : data[split];
    for (let s = 0; s * opts.shardSize < items.length; s++) {
      const samples: WebDatasetSample[] = [];
      for (const [i, item] of items.slice(s * opts.shardSize, (s + 1) * opts.shardSize).entries()) {
        const path = (item.ref as { path: string }).path;
        const jpeg = await sharp(readFileSync(path)).jpeg({ quality: 95 }).toBuffer();
        samples.push({
          key: `${split}${String(s * opts.shardSize + i).padStart(6, '0')}`,
          jpeg,
          classIndex: item.label,
          json: { source: path },
        });
      }
      await writeShard(out, shardName(split, s), samples);
    }
  }
  writeFileSync(join(out, 'dataset.json'), readFileSync(join(imageFolder, 'dataset.json')));
}

/** Live processes whose command line mentions `text` (Linux /proc), e.g. a run folder the trainer writes to. */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(join('/proc', name, 'cmdline'), 'utf8');
      const state = /^State:\s+(\w)/m.exec(readFileSync(join('/proc', name, 'status'), 'utf8'))?.[1];
      if (cmd.includes(text) && state !== 'Z') pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export async function waitUntil(check: () => boolean, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** P(X >= k) for X ~ Binomial(n, p), summed in log space. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  const logChoose = (m: number, j: number) => {
    let s = 0;
    for (let i = 1; i <= j; i++) s += Math.log(m - j + i) - Math.log(i);
    return s;
  };
  let total = 0;
  for (let j = k; j <= n; j++) total += Math.exp(logChoose(n, j) + j * Math.log(p) + (n - j) * Math.log(1 - p));
  return Math.min(1, total);
}
