// `imagenot bench train --arch A --input S --batch B --steps N [--engine tfjs|torch|tfjs,torch] [--json]`: training
// images/s of a full-size architecture on this machine, per engine (see io/tf-engine/train-bench.ts), with the
// backend printed. With both engines they run one after the other in the same command (torch first, in its own
// process, so its threads are gone when tfjs starts) and the ratio tfjs / torch is printed.
import type { Command } from 'commander';
import { ARCH_NAMES } from '../../core/architectures/registry.ts';
import { benchTrain, type TrainBenchResult } from '../../io/tf-engine/train-bench.ts';
import { TFJS_GPU_NOTICE, tfjsGpuBackendSelected } from '../../io/tf-engine/gpu-notice.ts';
import { choiceOption, CommandFailed, parseIntOption, printJson, UsageError } from '../context.ts';

type BenchEngine = 'tfjs' | 'torch';

function parseEngines(value: string): BenchEngine[] {
  const list = value === 'both' ? ['torch', 'tfjs'] : value.split(',').map((s) => s.trim());
  for (const e of list)
    if (e !== 'tfjs' && e !== 'torch') throw new UsageError(`--engine: '${e}' is not tfjs or torch`);
  // torch first: its process has ended (threads and all) before tfjs starts in this one.
  return [...new Set(list as BenchEngine[])].sort((a, b) => (a === 'torch' ? -1 : b === 'torch' ? 1 : 0));
}

export function register(program: Command): void {
  const bench = program.command('bench').description('speed measurements of this installation');
  bench
    .command('train')
    .description('training images/s: full-size architecture, random data, SGD with momentum, after 2 warm-up steps')
    .addOption(choiceOption('--arch <name>', 'architecture', ARCH_NAMES).makeOptionMandatory())
    .option('--input <n>', 'input side in pixels', parseIntOption('--input'), 96)
    .option('--batch <n>', 'batch size', parseIntOption('--batch'), 8)
    .option('--steps <n>', 'timed steps', parseIntOption('--steps'), 5)
    .option('--classes <n>', 'output classes', parseIntOption('--classes'), 1000)
    .option('--engine <list>', 'tfjs, torch, or both (tfjs,torch): measured in this one run', 'tfjs')
    .option('--python <path>', 'torch: the Python with torch and torchvision (default: IMAGENOT_PYTHON, else python3)')
    .addOption(
      choiceOption('--device <d>', 'torch: auto is CUDA when torch sees a GPU', ['auto', 'cpu', 'cuda'], 'auto'),
    )
    .option('--json', 'print JSON (one engine: the result; several: {results, ratio_tfjs_over_torch})')
    .action(
      async (o: {
        arch: string;
        input: number;
        batch: number;
        steps: number;
        classes: number;
        engine: string;
        python?: string;
        device: string;
        json?: boolean;
      }) => {
        if (o.steps < 1 || o.batch < 1 || o.input < 16)
          throw new UsageError('--steps and --batch must be >= 1 and --input >= 16');
        const engines = parseEngines(o.engine);
        if (engines.includes('tfjs') && tfjsGpuBackendSelected()) process.stderr.write(`${TFJS_GPU_NOTICE}\n`);
        const results: TrainBenchResult[] = [];
        for (const engine of engines) {
          try {
            results.push(await benchTrain({ ...o, engine, device: o.device as 'auto' | 'cpu' | 'cuda' }));
          } catch (err) {
            throw new CommandFailed(`bench train --engine ${engine}: ${(err as Error).message}`);
          }
        }
        const byEngine = new Map(results.map((r) => [r.engine, r]));
        const ratio =
          byEngine.has('tfjs') && byEngine.has('torch')
            ? byEngine.get('tfjs')!.images_per_s / byEngine.get('torch')!.images_per_s
            : null;
        if (o.json) {
          const full = (r: TrainBenchResult) => ({
            engine: r.engine,
            arch: r.arch,
            input: r.input,
            batch: r.batch,
            images_per_s: r.images_per_s,
            backend: r.backend,
            backend_detail: r.backend_detail,
            steps: r.steps,
            seconds: r.seconds,
          });
          return printJson(
            results.length === 1 ? full(results[0]) : { results: results.map(full), ratio_tfjs_over_torch: ratio },
          );
        }
        for (const r of results) {
          const line = {
            engine: r.engine,
            arch: r.arch,
            input: r.input,
            batch: r.batch,
            images_per_s: r.images_per_s,
            backend: r.backend,
          };
          process.stdout.write(
            `${JSON.stringify(line)}\n# ${r.backend_detail}, ${r.steps} steps in ${r.seconds.toFixed(2)} s\n`,
          );
        }
        if (ratio != null) process.stdout.write(`# tfjs / torch: ${ratio.toFixed(2)}x\n`);
      },
    );
}
