// The workspace summary behind `imagenot status --json` and the API's `status.get`.
import type { Workspace } from './workspace.ts';
import { listJobs, publicJob, type PublicJob } from './jobs.ts';
import { listRejections, type Rejection } from './rejections.ts';
import { currentTextFilter, getMetaJson } from './meta.ts';
import { keptTotal } from './threshold-index.ts';

/**
 * Later stages fill their fields; until then they are 0 or []. The API's StatusSchema mirrors this.
 * above_threshold is the text filter's own figure: candidates whose similarity under the current encoder is strictly
 * above the threshold, BEFORE flags, missing images and manual decisions — those decide "kept" (core/selection/kept.ts,
 * shown per class by curation.classes and counted by `imagenot select`). Its meaning stays the filter stage's count.
 * kept is that final figure at the workspace threshold (what every screen calls "kept").
 */
export interface Status {
  workspace: string;
  schema_version: number;
  samples: number;
  images: number;
  rejected: Rejection[];
  fetch: Record<string, number>;
  synsets_eligible: number;
  matched: number;
  ambiguous: number;
  /** The last match run's lemma rule ('default', 'none'; null before any run) and the lemmas it left out. */
  lemma_rule: string | null;
  lemmas_dropped_by_rule: number;
  text_encoder: string | null;
  threshold: number | null;
  above_threshold: number;
  kept: number | null;
  classes_selected: number;
  train_images: number;
  test_images: number;
  /**
   * Every training run with the recipe that ran (the resolved recipe stored in its params; null for a run recorded
   * without one) and the recipe fields in which it differs from torchvision's reference recipe.
   */
  runs: {
    id: number;
    arch: string;
    profile: string;
    engine: string;
    status: string;
    top1: number | null;
    recipe: Record<string, unknown> | null;
    recipe_differences: string[];
  }[];
  jobs: PublicJob[];
}

interface RunRecipeRow {
  id: number;
  arch: string;
  profile: string;
  engine: string;
  status: string;
  top1: number | null;
  params: string;
}

function runWithRecipe({ params, ...run }: RunRecipeRow): Status['runs'][number] {
  const p = JSON.parse(params) as { recipe?: Record<string, unknown>; differences?: { field: string }[] };
  return { ...run, recipe: p.recipe ?? null, recipe_differences: (p.differences ?? []).map((d) => d.field) };
}

function count(ws: Workspace, sql: string, ...args: unknown[]): number {
  return (ws.db.prepare(sql).get(...args) as { n: number | null }).n ?? 0;
}

export function workspaceStatus(ws: Workspace): Status {
  const db = ws.db;
  const filter = currentTextFilter(db);
  const fetch: Record<string, number> = {};
  for (const r of db
    .prepare(`SELECT fetch_status s, COUNT(*) n FROM samples WHERE fetch_status IS NOT NULL GROUP BY fetch_status`)
    .all() as { s: string; n: number }[]) {
    fetch[r.s] = r.n;
  }
  const selection = db.prepare(`SELECT id FROM selections ORDER BY id DESC LIMIT 1`).get() as
    | { id: number }
    | undefined;
  const match = getMetaJson<{ lemmaRule?: string; lemmasDroppedByRule?: number }>(db, 'match');
  return {
    workspace: ws.paths.root,
    schema_version: db.pragma('user_version', { simple: true }) as number,
    samples: count(ws, `SELECT COUNT(*) n FROM samples`),
    images: count(ws, `SELECT COUNT(*) n FROM images`),
    rejected: listRejections(db),
    fetch,
    synsets_eligible: count(ws, `SELECT COUNT(*) n FROM synsets WHERE eligible = 1`),
    matched: count(ws, `SELECT COUNT(*) n FROM matches WHERE status = 'matched'`),
    ambiguous: count(ws, `SELECT COUNT(*) n FROM matches WHERE status = 'ambiguous'`),
    lemma_rule: match ? (match.lemmaRule ?? 'none') : null,
    lemmas_dropped_by_rule: match?.lemmasDroppedByRule ?? 0,
    text_encoder: filter?.encoder ?? null,
    threshold: filter?.threshold ?? null,
    above_threshold: filter
      ? count(
          ws,
          `SELECT COUNT(*) n FROM text_similarities WHERE encoder = ? AND similarity > ?`,
          filter.encoder,
          filter.threshold,
        )
      : 0,
    kept: filter ? keptTotal(db) : null,
    classes_selected: selection
      ? count(ws, `SELECT COUNT(*) n FROM selection_classes WHERE selection_id = ?`, selection.id)
      : 0,
    train_images: selection
      ? count(ws, `SELECT COUNT(*) n FROM splits WHERE selection_id = ? AND split = 'train'`, selection.id)
      : 0,
    test_images: selection
      ? count(ws, `SELECT COUNT(*) n FROM splits WHERE selection_id = ? AND split = 'test'`, selection.id)
      : 0,
    runs: (
      db.prepare(`SELECT id, arch, profile, engine, status, top1, params FROM runs ORDER BY id`).all() as RunRecipeRow[]
    ).map(runWithRecipe),
    jobs: listJobs(db, { limit: 50 }).map(publicJob),
  };
}
