// `imagenot nsfw WS` and `imagenot ocr WS`: the flag jobs (they mark candidates; nothing is deleted).
import type { Command } from 'commander';
import { choiceOption, parseFloatOption, parseIntOption, runOneJob, UsageError } from '../context.ts';

/** Which candidates a flag job looks at. */
const scopeOption = () =>
  choiceOption(
    '--scope <s>',
    'candidates: every matched image; kept: only those above the current text threshold',
    ['candidates', 'kept'],
    'candidates',
  );

export function register(program: Command): void {
  program
    .command('nsfw')
    .description(
      "flag NSFW candidates: the metadata rule (the NSFW column must be one of the --allow values) and nsfwjs's " +
        'bundled classifier (score = P(porn) + P(hentai), + P(sexy) with --strict; flagged when >= --threshold); nothing is deleted',
    )
    .argument('<ws>', 'workspace folder')
    .option(
      '--allow <values>',
      'allowed values of the NSFW metadata column, comma-separated, saved as the workspace rule (default: UNLIKELY)',
    )
    .option('--meta-only', 'apply only the metadata rule (no classifier)')
    .option(
      '--threshold <p>',
      'classifier score at or above which a candidate is flagged',
      parseFloatOption('--threshold'),
      0.5,
    )
    .option('--strict', "count nsfwjs's 'Sexy' class as unsafe too (also flags swimwear and sports photos)")
    .addOption(scopeOption())
    .addOption(
      choiceOption('--backend <b>', 'TensorFlow.js backend (wasm is about 20x faster here)', ['wasm', 'cpu'], 'wasm'),
    )
    .option('--batch <n>', 'images per committed batch', parseIntOption('--batch'), 16)
    .option('--redo', 'score every candidate again (default: only those not scored yet)')
    .option('--json', 'print the job as JSON')
    .action(
      async (
        dir: string,
        o: {
          redo?: boolean;
          allow?: string;
          metaOnly?: boolean;
          strict?: boolean;
          threshold: number;
          scope: string;
          backend: string;
          batch: number;
          json?: boolean;
        },
      ) => {
        if (o.threshold < 0 || o.threshold > 1) throw new UsageError('--threshold must be within [0, 1]');
        const allowed = o.allow
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (o.allow != null && !allowed!.length) throw new UsageError('--allow needs at least one value');
        const params = {
          allowed,
          metaOnly: !!o.metaOnly,
          strict: !!o.strict,
          threshold: o.threshold,
          scope: o.scope,
          backend: o.backend,
          batch: o.batch,
          redo: !!o.redo,
        };
        await runOneJob(dir, 'nsfw', params, o.json, (r) =>
          [
            `metadata rule: ${r.meta.checked} samples with an NSFW value, ${r.meta.flagged} flagged`,
            r.classifier
              ? `classifier (${r.classifier.model}, tfjs-${r.classifier.backend}): ${r.classifier.checked} candidates scored, ${r.classifier.flagged} flagged at >= ${r.classifier.threshold}`
              : 'classifier: not run (--meta-only)',
          ].join('\n'),
        );
      },
    );

  program
    .command('ocr')
    .description(
      "flag candidates whose image's own text (tesseract.js, bundled English data) contains the class name; the selection then excludes them",
    )
    .argument('<ws>', 'workspace folder')
    .addOption(scopeOption())
    .option('--batch <n>', 'images per committed batch', parseIntOption('--batch'), 16)
    .option('--redo', 'read every candidate again (default: only those not read yet)')
    .option('--json', 'print the job as JSON')
    .action(async (dir: string, o: { scope: string; batch: number; redo?: boolean; json?: boolean }) => {
      await runOneJob(
        dir,
        'ocr',
        { scope: o.scope, batch: o.batch, redo: !!o.redo },
        o.json,
        (r) => `ocr: ${r.checked} candidates read, ${r.flagged} show their class name`,
      );
    });
}
