// `imagenot arch list` (the nine architectures, their recipes and local profiles), `imagenot arch params`
// (parameter counts as torchvision defines them, from the real tfjs models built with zero-initialized weights) and
// `imagenot arch recipe` (the resolved recipe a run would use, as JSON: what `train` stores and another engine reads).
import type { Command } from 'commander';
import { ARCHITECTURES, paramCount, type Profile } from '../../core/architectures/index.ts';
import { resolveHyperparams } from '../../core/training/hyperparams.ts';
import { choiceOption, parseFloatOption, parseIntOption, printJson, UsageError } from '../context.ts';

function recipeSummary(r: (typeof ARCHITECTURES)[number]['recipe']): string {
  const schedule = r.schedule.kind === 'step' ? `step ${r.schedule.stepSize}x${r.schedule.gamma}` : 'cosine';
  return `${r.optimizer} lr ${r.lr} wd ${r.weightDecay} batch ${r.batchSize} ${r.epochs} ep ${schedule}${r.warmupEpochs ? ` warmup ${r.warmupEpochs}` : ''}${r.labelSmoothing ? ` ls ${r.labelSmoothing}` : ''}`;
}

export function register(program: Command): void {
  const arch = program.command('arch').description('the nine torchvision architectures (TensorFlow.js layers)');

  arch
    .command('list')
    .description('list the architectures with their torchvision parameter count, paper recipe and local profile')
    .option('--json', 'print JSON (the full catalogue, with local-profile parameter counts for 10 classes)')
    .action((o: { json?: boolean }) => {
      if (o.json) {
        printJson(ARCHITECTURES.map((a) => ({ ...a, localParams: paramCount(a.arch, { profile: 'local', numClasses: 10 }) })));
        return;
      }
      for (const a of ARCHITECTURES) {
        const local = paramCount(a.arch, { profile: 'local', numClasses: 10 });
        process.stdout.write(
          `${a.arch.padEnd(19)} ${a.displayName.padEnd(18)} ${a.family.padEnd(18)} paper ${a.paperInput}px ${a.torchvisionParams.toLocaleString('en-US').padStart(11)} params` +
            ` | ${recipeSummary(a.recipe)}\n${''.padEnd(19)} local ${a.local.inputSize}px ${local.toLocaleString('en-US')} params (10 classes): ${a.local.description}\n`,
        );
      }
    });

  arch
    .command('recipe')
    .description(
      'the recipe a run of ARCH uses (torchvision\'s reference recipe for --profile paper, the scaled one for local), every field ' +
        'explicit, with each difference from torchvision\'s recipe and why: the same object `train` stores with the run',
    )
    .argument('<arch>', 'architecture')
    .addOption(choiceOption('--profile <profile>', 'size profile', ['paper', 'local'], 'local'))
    .option('--epochs <n>', 'override the recipe\'s epochs', parseIntOption('--epochs'))
    .option('--batch <n>', 'override the recipe\'s batch size', parseIntOption('--batch'))
    .option('--lr <x>', 'override the recipe\'s learning rate', parseFloatOption('--lr'))
    .option('--input-size <n>', 'override the crop sizes', parseIntOption('--input-size'))
    .option('--json', 'print JSON')
    .action((name: string, o: { profile: Profile; epochs?: number; batch?: number; lr?: number; inputSize?: number; json?: boolean }) => {
      let hp;
      try {
        hp = resolveHyperparams(name, o.profile, { epochs: o.epochs, batch: o.batch, lr: o.lr, inputSize: o.inputSize });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      if (o.json) return printJson(hp);
      process.stdout.write(`${hp.arch} (${hp.profile}): ${JSON.stringify(hp.recipe)}\n`);
      for (const d of hp.differences) process.stdout.write(`  ${d.field}: ${JSON.stringify(d.run)} (torchvision ${JSON.stringify(d.paper)}): ${d.why}\n`);
    });

  arch
    .command('params')
    .description(
      'parameter counts as torchvision counts them (trainable weights; BatchNorm running stats are buffers), from the ' +
        'real models; default full size, 1000 classes. Inception V3 includes its auxiliary classifier in the paper profile, ' +
        'like torchvision\'s published count; inception_v3_without_aux is listed too',
    )
    .addOption(choiceOption('--profile <profile>', 'size profile', ['paper', 'local'], 'paper'))
    .option('--classes <n>', 'number of classes', parseIntOption('classes'), 1000)
    .option('--input <px>', 'input side in pixels (matters for ViT position embeddings)', parseIntOption('input'))
    .option('--json', 'print {"alexnet": 61100840, ...}')
    .action((o: { profile: Profile; classes: number; input?: number; json?: boolean }) => {
      if (o.classes < 1) throw new UsageError(`--classes must be at least 1, got ${o.classes}`);
      const opts = { profile: o.profile, numClasses: o.classes, inputSize: o.input };
      const counts: Record<string, number> = {};
      for (const a of ARCHITECTURES) counts[a.arch] = paramCount(a.arch, { ...opts, auxLogits: a.arch === 'inception_v3' && o.profile === 'paper' });
      if (o.profile === 'paper') counts.inception_v3_without_aux = paramCount('inception_v3', opts);
      if (o.json) return printJson(counts);
      for (const [name, n] of Object.entries(counts)) process.stdout.write(`${name.padEnd(25)} ${n.toLocaleString('en-US').padStart(12)}\n`);
    });
}
