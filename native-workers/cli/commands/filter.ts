// `imagenot filter WS [--encoder glove|MODEL] [--threshold T]` and `imagenot clipscore WS --model NAME`.
import type { Command } from 'commander';
import { parseFloatOption, parseIntOption, runOneJob, UsageError } from '../context.ts';

export function register(program: Command): void {
  program
    .command('filter')
    .description(
      'text filter: cosine similarity of each matched caption and its synset text "<name> which is <definition>"; ' +
        'kept when strictly above the threshold (defaults: glove measured, CLIP 0.82, sentence/MPNet 0.58). ' +
        'Similarities are stored, so a new threshold never recomputes.',
    )
    .argument('<ws>', 'workspace folder')
    .option('--encoder <name>', "'glove' (built in, offline) or an imported model (imagenot models list)", 'glove')
    .option(
      '--threshold <t>',
      'keep threshold (default: the current one for this encoder, else its default)',
      parseFloatOption('--threshold'),
    )
    .option('--batch <n>', 'captions per committed batch', parseIntOption('--batch'))
    .option('--json', 'print the job as JSON')
    .action(async (dir: string, o: { encoder: string; threshold?: number; batch?: number; json?: boolean }) => {
      if (o.threshold != null && (o.threshold < -1 || o.threshold > 1))
        throw new UsageError('--threshold must be within [-1, 1]');
      await runOneJob(
        dir,
        'filter',
        { encoder: o.encoder, threshold: o.threshold, batch: o.batch },
        o.json,
        (r) =>
          `${r.encoder}: ${r.computed} similarities computed; ${r.aboveThreshold} candidates above ${r.threshold}, ${r.kept} kept (flags, images and manual decisions applied)`,
      );
    });

  program
    .command('clipscore')
    .description(
      'image–caption similarity of every candidate with an image under an imported CLIP model (classes are then ranked by the mean over their kept images)',
    )
    .argument('<ws>', 'workspace folder')
    .requiredOption('--model <name>', 'an imported CLIP model (imagenot models list)')
    .option('--batch <n>', 'images per committed batch', parseIntOption('--batch'), 16)
    .option('--json', 'print the job as JSON')
    .action(async (dir: string, o: { model: string; batch: number; json?: boolean }) => {
      await runOneJob(
        dir,
        'clipscore',
        { model: o.model, batch: o.batch },
        o.json,
        (r) => `${r.model}: ${r.scored} images scored${r.failed ? `, ${r.failed} could not be read` : ''}`,
      );
    });
}
