// `imagenot demo WS [--quick]`: build the demo workspace from packaged data (Fashion-MNIST images, WordNet, generated
// captions) and run every stage — ingest, match, text filter (GloVe), NSFW, selection, export, training of the nine
// architectures (local profile) — then print a summary with the rankings against ImageNet.
// The work is a chain of ordinary jobs started by a `demo` job (workers/demo.ts); this command runs the workspace's
// queue in worker processes, follows the chain, and prints each stage as it ends. Run again on the same folder, it
// continues an interrupted demo.
import type { Command } from 'commander';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JobRunner } from '../../jobs/runner.ts';
import { loadWorker } from '../../workers/registry.ts';
import { getJob, listJobs, type JobRow } from '../../store/jobs.ts';
import { getMetaJson } from '../../store/meta.ts';
import { workspaceStatus } from '../../store/status.ts';
import { openWorkspace, DB_FILE, type Workspace } from '../../store/workspace.ts';
import { EXIT_FAILED, ProgressPrinter, UsageError, parseIntOption, printJson } from '../context.ts';
import { recordSignal } from '../output.ts';
import { demoSize } from '../../core/demo/plan.ts';
import { demoSummary, formatDemoSummary } from './demo-summary.ts';

interface DemoOptions {
  quick?: boolean;
  imagesPerClass?: number;
  epochs?: number;
  batch?: number;
  archs?: string;
  seed: number;
  json?: boolean;
}

function seconds(job: JobRow): string {
  if (!job.startedAt || !job.endedAt) return '';
  return ` in ${((Date.parse(job.endedAt) - Date.parse(job.startedAt)) / 1000).toFixed(1)} s`;
}

/** One line per finished stage, with the counts that stage produced. */
function stageLine(ws: Workspace, job: JobRow): string {
  const head = `${job.state === 'succeeded' ? 'done' : job.state.toUpperCase()}  ${job.kind} #${job.id}${seconds(job)}`;
  if (job.state !== 'succeeded') return `${head}: ${job.error ?? ''}`;
  const s = workspaceStatus(ws);
  const r = (job.result ?? {}) as Record<string, unknown>;
  switch (job.kind) {
    case 'demo':
      return `${head}: ${(job.params as { phase?: string }).phase ?? 'prepare'} phase${r.images ? `, ${r.images} images with captions` : ''}${r.train ? `, ${r.train} train + ${r.test} test per class` : ''}`;
    case 'ingest':
      return `${head}: ${s.samples} samples, ${s.images} images, ${s.rejected.length} rejected`;
    case 'match':
      return `${head}: ${s.matched} matched, ${s.ambiguous} ambiguous`;
    case 'filter':
      return `${head}: ${s.above_threshold} of ${s.matched} candidates above ${s.text_encoder} threshold ${s.threshold}`;
    case 'select':
      return `${head}: ${s.classes_selected} classes, ${s.train_images} train / ${s.test_images} test`;
    case 'train': {
      const run = s.runs.find((x) => x.arch === (job.params as { arch?: string }).arch);
      return `${head}: ${(job.params as { arch?: string }).arch} top-1 ${run?.top1 != null ? `${run.top1.toFixed(1)}%` : '-'}`;
    }
    default:
      return head;
  }
}

/**
 * Run the queue until the chain started at `ids` has ended: every `demo` phase lists the jobs it queued in its result.
 * On a failure the rest of the chain is cancelled (resumable by running the command again).
 */
async function followChain(
  ws: Workspace,
  runner: JobRunner,
  ids: number[],
  printer: ProgressPrinter,
): Promise<JobRow[]> {
  const pending = [...ids];
  const finished: JobRow[] = [];
  while (pending.length) {
    const job = await runner.waitFor(pending.shift()!);
    finished.push(job);
    printer.line(stageLine(ws, job));
    if (job.state !== 'succeeded') {
      for (const id of pending) runner.cancel(id);
      const leftover = listJobs(ws.db, { states: ['queued'] });
      for (const j of leftover) runner.cancel(j.id);
      break;
    }
    if (job.kind === 'demo') pending.push(...((job.result as { queued?: number[] } | null)?.queued ?? []));
  }
  return finished;
}

/** A new demo in an empty folder, or the unfinished jobs of an earlier demo in the same folder. */
async function startOrContinue(ws: Workspace, runner: JobRunner, o: DemoOptions): Promise<number[]> {
  const jobs = listJobs(ws.db).reverse();
  if (jobs.length === 0) {
    const size = demoSize({
      quick: o.quick,
      imagesPerClass: o.imagesPerClass,
      epochs: o.epochs,
      batch: o.batch,
      archs: o.archs?.split(','),
    });
    const job = await runner.enqueue('demo', {
      phase: 'prepare',
      quick: !!o.quick,
      imagesPerClass: size.imagesPerClass,
      epochs: size.epochs,
      batch: size.batch,
      archs: size.archs,
      seed: o.seed,
    });
    return [job.id];
  }
  if (!getMetaJson(ws.db, 'demo')) {
    throw new UsageError(
      `${ws.paths.root} is a workspace that is not a demo; the demo builds a new one: choose a new or empty folder`,
    );
  }
  const unfinished = jobs.filter((j) => j.state !== 'succeeded');
  for (const j of unfinished) if (j.state !== 'queued') runner.resume(j.id);
  return unfinished.map((j) => j.id);
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'build a demo workspace from packaged data only (Fashion-MNIST images, WordNet, generated captions) and run every ' +
        'stage: ingest, match, text filter (GloVe), NSFW, selection, export, training of the nine architectures ' +
        '(local profile), rankings against ImageNet. Run again on the same folder to continue an interrupted demo.',
    )
    .argument('<ws>', 'a new or empty folder for the demo workspace')
    .option('--quick', 'fewer images (400 per class instead of 1200; the target is 25 minutes on an idle 2-core CPU)')
    .option(
      '--images-per-class <n>',
      'Fashion-MNIST images per class (overrides the size)',
      parseIntOption('--images-per-class'),
    )
    .option(
      '--epochs <n>',
      "training epochs of every architecture (default: each local recipe's: 6, VGG-19 15, ViT-B/16 10)",
      parseIntOption('--epochs'),
    )
    .option('--batch <n>', 'training batch size (overrides the size)', parseIntOption('--batch'))
    .option('--archs <list>', 'comma-separated architectures (default: all nine)')
    .option('--seed <n>', 'seed for image choice, captions, split and training', parseIntOption('--seed'), 0)
    .option('--json', 'print the final summary as JSON')
    .action(async (dir: string, o: DemoOptions) => {
      if (existsSync(dir) && !existsSync(join(dir, DB_FILE)) && readdirSync(dir).length > 0) {
        throw new UsageError(`${dir} is not empty and is not a workspace; the demo needs a new or empty folder`);
      }
      const ws = openWorkspace(dir, { create: true });
      const printer = new ProgressPrinter(false);
      const runner = new JobRunner(ws, { workers: loadWorker });
      const kinds = new Map<number, string>();
      runner.on('progress', (p) =>
        printer.update(
          { id: p.jobId, kind: kinds.get(p.jobId) ?? getJob(ws.db, p.jobId)?.kind ?? 'job' },
          p.done,
          p.total,
          p.message,
        ),
      );
      runner.on('log', (l) =>
        printer.line(
          `[${kinds.get(l.jobId) ?? 'job'} #${l.jobId}] ${l.level === 'info' ? '' : l.level + ': '}${l.message}`,
          l.level,
        ),
      );
      runner.on('job', (j) => kinds.set(j.id, j.kind));
      const stop = (signal: NodeJS.Signals) => {
        recordSignal(signal);
        printer.line('stopping: the running stage is cancelled; run the same command again to continue');
        void runner.stop();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const started = Date.now();
      try {
        const ids = await startOrContinue(ws, runner, o);
        printer.line(`demo workspace: ${ws.paths.root}`);
        runner.start(500);
        const jobs = await followChain(ws, runner, ids, printer);
        await runner.stop();
        const minutes = (Date.now() - started) / 60000;
        const summary = demoSummary(ws, minutes);
        if (o.json) printJson(summary);
        else process.stdout.write(formatDemoSummary(summary, dir));
        if (jobs.some((j) => j.state !== 'succeeded')) process.exitCode = EXIT_FAILED;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        ws.close();
      }
    });
}
