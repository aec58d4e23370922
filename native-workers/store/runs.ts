// Training runs and their metrics (tables `runs`, `metrics` of 001, 065). A run belongs to the job that trains it; its
// checkpoint folder is runs/<id>/ in the workspace. Accuracies (top1, top5, best_val) are stored in percent.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db, Workspace } from './workspace.ts';
import { nowIso } from './workspace.ts';
import { getMetaJson, setMetaJson } from './meta.ts';
import { DEFAULT_RUN_CHOICE, type RunCandidate, type RunChoice } from '../core/stats/run-choice.ts';

export const RUN_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATES)[number];

/** The training engines: TensorFlow.js (built in) and the PyTorch trainer (trainers/torch). Migration 075. */
export const ENGINES = ['tfjs', 'torch'] as const;
export type Engine = (typeof ENGINES)[number];

export interface RunRow {
  id: number;
  jobId: number | null;
  arch: string;
  profile: string;
  dataset: string;
  params: Record<string, unknown>;
  engine: Engine;
  backend: string | null;
  status: RunStatus;
  epoch: number;
  bestVal: number | null;
  top1: number | null;
  top5: number | null;
  checkpoint: string | null;
  error: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** Left out of the rankings by hand. */
  excluded: boolean;
}

interface RawRun {
  id: number;
  job_id: number | null;
  arch: string;
  profile: string;
  dataset: string;
  params: string;
  engine: Engine;
  backend: string | null;
  status: RunStatus;
  epoch: number;
  best_val: number | null;
  top1: number | null;
  top5: number | null;
  checkpoint: string | null;
  error: string | null;
  started_at: string | null;
  ended_at: string | null;
  excluded: number;
}

function toRun(r: RawRun): RunRow {
  return {
    id: r.id,
    jobId: r.job_id,
    arch: r.arch,
    profile: r.profile,
    dataset: r.dataset,
    params: JSON.parse(r.params),
    engine: r.engine,
    backend: r.backend,
    status: r.status,
    epoch: r.epoch,
    bestVal: r.best_val,
    top1: r.top1,
    top5: r.top5,
    checkpoint: r.checkpoint,
    error: r.error,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    excluded: r.excluded === 1,
  };
}

export function createRun(
  db: Db,
  run: { jobId: number | null; arch: string; profile: string; dataset: string; params: unknown; engine?: Engine },
): number {
  const info = db
    .prepare(
      `INSERT INTO runs (job_id, arch, profile, dataset, params, engine, status, started_at) VALUES (?, ?, ?, ?, ?, ?, 'running', ?)`,
    )
    .run(run.jobId, run.arch, run.profile, run.dataset, JSON.stringify(run.params), run.engine ?? 'tfjs', nowIso());
  return Number(info.lastInsertRowid);
}

export function getRun(db: Db, id: number): RunRow | undefined {
  const r = db.prepare(`SELECT * FROM runs WHERE id = ?`).get(id) as RawRun | undefined;
  return r && toRun(r);
}

export function runOfJob(db: Db, jobId: number): RunRow | undefined {
  const r = db.prepare(`SELECT * FROM runs WHERE job_id = ? ORDER BY id DESC LIMIT 1`).get(jobId) as RawRun | undefined;
  return r && toRun(r);
}

export function listRuns(db: Db): RunRow[] {
  return (db.prepare(`SELECT * FROM runs ORDER BY id DESC`).all() as RawRun[]).map(toRun);
}

/** The latest succeeded run with a test top-1 per architecture (what the rankings compare), of one engine if given. */
export function finishedRunsByArch(db: Db, engine?: Engine): RunRow[] {
  const only = engine ? `AND engine = @engine` : '';
  const rows = db
    .prepare(
      `SELECT * FROM runs WHERE id IN (SELECT MAX(id) FROM runs WHERE status = 'succeeded' AND top1 IS NOT NULL ${only} GROUP BY arch) ORDER BY arch`,
    )
    .all(engine ? { engine } : {}) as RawRun[];
  return rows.map(toRun);
}

export interface RunUpdate {
  status?: RunStatus;
  backend?: string;
  epoch?: number;
  bestVal?: number | null;
  top1?: number;
  top5?: number;
  checkpoint?: string;
  error?: string | null;
  ended?: boolean;
  params?: unknown;
}

export function updateRun(db: Db, id: number, u: RunUpdate): void {
  const sets: string[] = [];
  const args: unknown[] = [];
  const set = (col: string, v: unknown) => {
    sets.push(`${col} = ?`);
    args.push(v);
  };
  if (u.status !== undefined) set('status', u.status);
  if (u.backend !== undefined) set('backend', u.backend);
  if (u.epoch !== undefined) set('epoch', u.epoch);
  if (u.bestVal !== undefined) set('best_val', u.bestVal);
  if (u.top1 !== undefined) set('top1', u.top1);
  if (u.top5 !== undefined) set('top5', u.top5);
  if (u.checkpoint !== undefined) set('checkpoint', u.checkpoint);
  if (u.error !== undefined) set('error', u.error);
  if (u.params !== undefined) set('params', JSON.stringify(u.params));
  if (u.ended) set('ended_at', nowIso());
  if (!sets.length) return;
  db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
}

export interface MetricPoint {
  step: number;
  epoch: number;
  name: string;
  value: number;
}

/** Stored with the time it was recorded (seconds since 1970; null for points recorded before 065). */
export interface StoredMetricPoint extends MetricPoint {
  time: number | null;
}

export function insertMetrics(db: Db, runId: number, points: readonly MetricPoint[]): void {
  const stmt = db.prepare(
    `INSERT OR REPLACE INTO metrics (run_id, step, epoch, name, value, time) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const time = Date.now() / 1000;
  for (const p of points) stmt.run(runId, p.step, p.epoch, p.name, p.value, time);
}

/** On resume: forget what was recorded after the checkpoint the run continues from. */
export function deleteMetricsAfter(db: Db, runId: number, step: number): void {
  db.prepare(`DELETE FROM metrics WHERE run_id = ? AND step > ?`).run(runId, step);
}

export function runMetrics(db: Db, runId: number, name?: string): MetricPoint[] {
  const where = name ? 'AND name = ?' : '';
  return db
    .prepare(`SELECT step, epoch, name, value FROM metrics WHERE run_id = ? ${where} ORDER BY step, name`)
    .all(...(name ? [runId, name] : [runId])) as MetricPoint[];
}

/** A run's points of some metrics (all when `names` is empty), with their time, in step order. */
export function runMetricSeries(db: Db, runId: number, names: readonly string[] = []): StoredMetricPoint[] {
  const where = names.length ? `AND name IN (${names.map(() => '?').join(',')})` : '';
  return db
    .prepare(`SELECT step, epoch, name, value, time FROM metrics WHERE run_id = ? ${where} ORDER BY step, name`)
    .all(runId, ...names) as StoredMetricPoint[];
}

/** The latest value of one metric per run (e.g. each run's last validation accuracy). */
export function latestMetric(db: Db, name: string): Map<number, number> {
  const rows = db
    .prepare(
      `SELECT m.run_id AS runId, m.value AS value FROM metrics m
       JOIN (SELECT run_id, MAX(step) AS step FROM metrics WHERE name = ? GROUP BY run_id) last
         ON last.run_id = m.run_id AND last.step = m.step
       WHERE m.name = ?`,
    )
    .all(name, name) as { runId: number; value: number }[];
  return new Map(rows.map((r) => [r.runId, r.value]));
}

export function setRunExcluded(db: Db, id: number, excluded: boolean): void {
  db.prepare(`UPDATE runs SET excluded = ? WHERE id = ?`).run(excluded ? 1 : 0, id);
}

/** Delete a run, its metrics and its folder runs/<id>/ (checkpoints, best weights). */
export function deleteRun(ws: Workspace, id: number): void {
  ws.db.transaction(() => {
    ws.db.prepare(`DELETE FROM metrics WHERE run_id = ?`).run(id);
    ws.db.prepare(`DELETE FROM runs WHERE id = ?`).run(id);
  })();
  rmSync(join(ws.paths.runs, String(id)), { recursive: true, force: true });
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The settings a run trained with, read from its stored params (the resolved hyperparameters and the job's own). */
export function runConfig(params: Record<string, unknown>) {
  const dataset = obj(params.dataset);
  return {
    epochs: numOrNull(params.epochs),
    batch: numOrNull(params.batch),
    lr: numOrNull(params.lr),
    seed: numOrNull(params.seed),
    patience: numOrNull(params.patience),
    inputSize: numOrNull(params.inputSize),
    trainImages: numOrNull(dataset.train),
    valImages: numOrNull(dataset.val),
    testImages: numOrNull(dataset.test),
    classes: numOrNull(dataset.classes),
  };
}

/** Every run as the rankings' run choice sees it. */
export function rankingCandidates(db: Db): RunCandidate[] {
  const latestVal = latestMetric(db, 'val_accuracy');
  return listRuns(db).map((r) => {
    const c = runConfig(r.params);
    return {
      id: r.id,
      arch: r.arch,
      status: r.status,
      dataset: r.dataset,
      profile: r.profile,
      engine: r.engine,
      epoch: r.epoch,
      epochs: c.epochs,
      top1: r.top1,
      testImages: c.testImages,
      latestVal: latestVal.get(r.id) ?? null,
      valImages: c.valImages,
      excluded: r.excluded,
    };
  });
}

const CHOICE_KEY = 'rankings_choice';

/** The run choice of the rankings (picked runs, export, provisional), shared by the Rankings screen and the CLI. */
export function getRankingChoice(db: Db): RunChoice {
  const stored = getMetaJson<Partial<RunChoice>>(db, CHOICE_KEY) ?? {};
  return {
    dataset: typeof stored.dataset === 'string' ? stored.dataset : DEFAULT_RUN_CHOICE.dataset,
    picks: Object.fromEntries(
      Object.entries(obj(stored.picks)).filter((e): e is [string, number] => typeof e[1] === 'number'),
    ),
    provisional: typeof stored.provisional === 'boolean' ? stored.provisional : DEFAULT_RUN_CHOICE.provisional,
  };
}

export function setRankingChoice(db: Db, choice: RunChoice): void {
  setMetaJson(db, CHOICE_KEY, choice);
}

/** Runs whose job died mid-run are 'interrupted' like their job (called when the job is found dead). */
export function markRunsOfDeadJobs(db: Db): void {
  db.prepare(
    `UPDATE runs SET status = 'interrupted' WHERE status = 'running' AND job_id IN (SELECT id FROM jobs WHERE state IN ('interrupted', 'failed', 'cancelled'))`,
  ).run();
}
