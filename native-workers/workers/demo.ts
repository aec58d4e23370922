// The `demo` job: builds the demo workspace from packaged data and chains the pipeline's own job kinds.
// It runs in phases, each a short job that queues the next stages and then a `demo` job of the next phase behind them
// (the data lane runs jobs one at a time in queue order, so each phase starts after the stages before it ended):
//   prepare  write Fashion-MNIST images + generated captions into WS/demo-source/, the demo's class list, and queue
//            ingest -> match -> filter (glove) -> nsfw -> demo(select)
//   select   check those stages succeeded; choose train/test per class from the kept counts; queue select -> export ->
//            demo(train)
//   train    check select and export succeeded; queue one `train` job per architecture (local profile, train lane).
// Each phase records the ids it queued as its result (`queued`), so the CLI and the app can follow the chain.
// Queueing happens in the same transaction as the phase's cursor: a phase killed and resumed never queues twice.
import { z } from 'zod';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineWorker, type WorkerContext } from '../jobs/worker-context.ts';
import { createJob, getJob, listJobs } from '../store/jobs.ts';
import { countSamples } from '../store/samples.ts';
import { setMetaJson } from '../store/meta.ts';
import { loadWorker } from './registry.ts';
import { FASHION_CLASSES } from '../core/demo/fashion-classes.ts';
import { generateCaption } from '../core/demo/captions.ts';
import { captionClassesFrom } from '../core/demo/wordnet-input.ts';
import { demoSize, splitSizes, type DemoSize } from '../core/demo/plan.ts';
import { seededShuffle, subSeed } from '../core/selection/rng.ts';
import { readFashionMnistClass, fashionMnistPng } from '../io/demo/fashion-mnist.ts';
import { readTruth, TRUTH_HEADER, truthLine } from '../io/demo/truth.ts';
import { DEMO_PATHS, demoClassRules, keptPerClass, type DemoSettings } from './demo-inputs.ts';
import { loadWordNet } from '../io/wordnet-files.ts';

export const DemoParams = z.object({
  phase: z.enum(['prepare', 'select', 'train']).default('prepare'),
  quick: z.boolean().default(false),
  imagesPerClass: z.number().int().min(10).max(7000).optional(),
  epochs: z.number().int().min(1).max(1000).optional(),
  batch: z.number().int().min(1).max(1024).optional(),
  archs: z.array(z.string()).optional(),
  seed: z.number().int().default(0),
  /** Jobs (queued by the previous phase) that must have succeeded before this phase may go on. */
  after: z.array(z.number().int()).default([]),
});
export type DemoParams = z.infer<typeof DemoParams>;

interface Queued {
  kind: string;
  params: unknown;
}

/** A job kind's parameters, validated (and defaulted) by the kind itself. */
async function prepared(w: Queued): Promise<{ kind: string; params: unknown; lane: 'data' | 'train' }> {
  const def = await loadWorker(w.kind);
  const parsed = def.params.safeParse(w.params);
  if (!parsed.success) throw new Error(`demo: parameters for the ${w.kind} stage are invalid: ${parsed.error.message}`);
  return { kind: w.kind, params: parsed.data, lane: def.lane ?? 'data' };
}

/**
 * Queue the stages and, behind them, the next demo phase (which gets the stage ids as `after`), all in one
 * transaction with this job's cursor: a phase killed and resumed never queues twice. Returns every id queued.
 */
async function queueStages(
  ctx: WorkerContext,
  p: DemoParams,
  stages: Queued[],
  next: DemoParams['phase'] | null,
): Promise<number[]> {
  const jobs = await Promise.all(stages.map(prepared));
  const phase = next ? await prepared({ kind: 'demo', params: { ...p, phase: next, after: [] } }) : null;
  const db = ctx.ws.db;
  return ctx.ws.db.transaction(() => {
    const ids = jobs.map((j) => createJob(db, j.kind, j.params, j.lane));
    if (phase) ids.push(createJob(db, 'demo', { ...(phase.params as object), after: ids.slice() }, phase.lane));
    ctx.commit({ queued: ids });
    return ids;
  })();
}

/** The workspace is empty apart from this very job (it is already in the jobs table). */
function isEmptyWorkspaceButThisJob(ctx: WorkerContext): boolean {
  return countSamples(ctx.ws.db) === 0 && listJobs(ctx.ws.db, { limit: 2 }).every((j) => j.id === ctx.jobId);
}

/** Refuse to go on when a stage before this phase did not succeed, naming it. */
function requireSucceeded(ctx: WorkerContext, ids: number[]): void {
  for (const id of ids) {
    const job = getJob(ctx.ws.db, id);
    if (!job) throw new Error(`demo: stage job #${id} is missing from the workspace`);
    if (job.state !== 'succeeded') {
      throw new Error(
        `demo: the ${job.kind} stage (job #${id}) ${job.state}${job.error ? `: ${job.error}` : ''}; ` +
          'run `imagenot demo WS` again to resume it and go on (in the app: resume it, then this job)',
      );
    }
  }
}

/** The ids a phase queued before it was interrupted (its work is done then). */
function alreadyQueued(ctx: WorkerContext): number[] | undefined {
  return (ctx.cursor as { queued?: number[] } | null)?.queued;
}

async function prepare(ctx: WorkerContext, p: DemoParams, size: DemoSize) {
  const done = alreadyQueued(ctx);
  if (done) return { queued: done };
  const cursor = (ctx.cursor ?? {}) as { label?: number };
  if (cursor.label == null && !isEmptyWorkspaceButThisJob(ctx)) {
    throw new Error('demo: this workspace already holds data or other jobs; the demo needs a new, empty workspace');
  }
  const paths = DEMO_PATHS(ctx.ws);
  mkdirSync(paths.source, { recursive: true });

  ctx.progress(0, FASHION_CLASSES.length, 'loading WordNet');
  const wordnet = loadWordNet();
  const rules = demoClassRules(ctx.ws, wordnet);
  const classes = captionClassesFrom(
    wordnet,
    FASHION_CLASSES.map((c) => c.wnid),
  );
  const settings: DemoSettings = { ...size, seed: p.seed, classes: rules };
  setMetaJson(ctx.ws.db, 'demo', settings);
  writeFileSync(
    paths.synsets,
    rules
      .filter((r) => r.eligible)
      .map((r) => `${r.wnid}\t${r.name}`)
      .join('\n') + '\n',
  );
  for (const r of rules)
    if (!r.eligible) ctx.log(`${r.fashionName} (${r.wnid}) is excluded by the default rules: ${r.reason}`);

  // The truth file holds the rows of the classes already committed; a class cut short by a kill is written again.
  const kept =
    cursor.label != null && existsSync(paths.truth)
      ? readTruth(paths.truth).filter((r) => r.label < cursor.label!)
      : [];
  writeFileSync(paths.truth, [TRUTH_HEADER, ...kept.map(truthLine)].join('\n') + '\n');
  for (let label = cursor.label ?? 0; label < FASHION_CLASSES.length; label++) {
    const fc = FASHION_CLASSES[label];
    ctx.progress(label, FASHION_CLASSES.length, `writing ${size.imagesPerClass} ${fc.name} images and captions`);
    const images = readFashionMnistClass(fc.label);
    const chosen = seededShuffle(images, subSeed(p.seed, `fashion-mnist/${fc.label}`)).slice(0, size.imagesPerClass);
    const truth: string[] = [];
    for (let j = 0; j < chosen.length; j++) {
      const { index, pixels } = chosen[j];
      const name = `fmnist-${fc.label}-${String(index).padStart(4, '0')}`;
      const g = generateCaption(classes, label, index, { seed: p.seed });
      writeFileSync(join(paths.source, `${name}.png`), await fashionMnistPng(pixels, size.imageSide));
      writeFileSync(join(paths.source, `${name}.txt`), g.caption + '\n');
      truth.push(
        truthLine({
          file: `${name}.png`,
          label: fc.label,
          index,
          wnid: fc.wnid,
          kind: g.kind,
          mentions: g.mentions,
          caption: g.caption,
        }),
      );
      if (j % 50 === 0)
        ctx.progress(label + j / chosen.length, FASHION_CLASSES.length, `${fc.name}: ${j}/${chosen.length}`);
    }
    writeFileSync(paths.truth, truth.join('\n') + '\n', { flag: 'a' });
    ctx.commit({ label: label + 1 });
  }

  const work: Queued[] = [
    { kind: 'ingest', params: { paths: [paths.source] } },
    { kind: 'match', params: { synsets: paths.synsets } },
    { kind: 'filter', params: { encoder: 'glove' } },
    { kind: 'nsfw', params: { scope: 'kept', backend: 'wasm' } },
  ];
  const ids = await queueStages(ctx, p, work, 'select');
  return {
    queued: ids,
    source: ctx.ws.relativePath(paths.source),
    images: size.imagesPerClass * FASHION_CLASSES.length,
  };
}

async function select(ctx: WorkerContext, p: DemoParams) {
  const done = alreadyQueued(ctx);
  if (done) return { queued: done };
  requireSucceeded(ctx, p.after);
  const kept = keptPerClass(ctx.ws);
  const sizes = splitSizes(kept.map((k) => k.kept));
  if (!sizes) {
    throw new Error(
      `demo: no class kept enough images after the text filter (${kept.map((k) => `${k.wnid} ${k.kept}`).join(', ')})`,
    );
  }
  ctx.log(
    `selection: ${sizes.train} train + ${sizes.test} test images per class (kept: ${kept.map((k) => `${k.name} ${k.kept}`).join(', ')})`,
  );
  const size = demoSize(p);
  const ids = await queueStages(
    ctx,
    p,
    [
      { kind: 'select', params: { train: sizes.train, test: sizes.test, classes: 1000, seed: p.seed } },
      { kind: 'export', params: { format: 'imagefolder', size: size.imageSide } },
    ],
    'train',
  );
  return { queued: ids, train: sizes.train, test: sizes.test };
}

async function train(ctx: WorkerContext, p: DemoParams, size: DemoSize) {
  const done = alreadyQueued(ctx);
  if (done) return { queued: done };
  requireSucceeded(ctx, p.after);
  // Every run trains on this demo's export, named explicitly (a later export in the workspace changes nothing).
  const exported = p.after.map((id) => getJob(ctx.ws.db, id)!).find((j) => j.kind === 'export');
  const dataset = (exported?.result as { out?: string } | null)?.out;
  if (!dataset) throw new Error('demo: the export stage recorded no output folder');
  const work = size.archs.map((arch) => ({
    kind: 'train',
    params: {
      arch,
      profile: 'local',
      dataset,
      epochs: size.epochs,
      batch: size.batch,
      patience: size.patience,
      seed: p.seed,
    },
  }));
  const ids = await queueStages(ctx, p, work, null);
  return { queued: ids, archs: size.archs };
}

export default defineWorker({
  kind: 'demo',
  lane: 'data',
  params: DemoParams,
  async run(ctx, p) {
    const size = demoSize(p);
    if (p.phase === 'prepare') return prepare(ctx, p, size);
    if (p.phase === 'select') return select(ctx, p);
    return train(ctx, p, size);
  },
});
