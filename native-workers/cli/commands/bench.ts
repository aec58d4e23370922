// `imagenot bench train --arch A --input S --batch B --steps N [--json]`: training images/s of a full-size
// architecture on this machine's best backend (see io/tf-engine/train-bench.ts), with the backend printed.
import type { Command } from 'commander';
import { ARCH_NAMES } from '../../core/architectures/registry.ts';
import { benchTrain } from '../../io/tf-engine/train-bench.ts';
import { choiceOption, parseIntOption, printJson, UsageError } from '../context.ts';

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
    .option('--json', 'print JSON')
    .action(async (o: { arch: string; input: number; batch: number; steps: number; classes: number; json?: boolean }) => {
      if (o.steps < 1 || o.batch < 1 || o.input < 16) throw new UsageError('--steps and --batch must be >= 1 and --input >= 16');
      const r = await benchTrain(o);
      const line = { arch: r.arch, input: r.input, batch: r.batch, images_per_s: r.images_per_s, backend: r.backend };
      if (o.json) printJson({ ...line, backend_detail: r.backend_detail, steps: r.steps, seconds: r.seconds });
      else process.stdout.write(`${JSON.stringify(line)}\n# ${r.backend_detail}, ${r.steps} steps in ${r.seconds.toFixed(2)} s\n`);
    });
}
