// The rankings of a workspace: the runs chosen by the one rule (run-choice.ts), their statistics against the reference
// (rankings.ts), and what the run picker needs (every run per architecture, the exports). The Rankings screen
// (`rankings.get`) and `imagenot rankings WS --json` both print this object, so they always agree.
import { chooseRuns, isFinished, isLive, type ExportSummary, type RunCandidate, type RunChoice } from './run-choice.ts';
import { computeRankings, RankingsError, type ModelAccuracy, type Rankings } from './rankings.ts';

export interface CandidateRun {
  id: number;
  status: string;
  dataset: string;
  profile: string;
  engine: string;
  epoch: number;
  epochs: number | null;
  top1: number | null;
  test_images: number | null;
  latest_val: number | null;
  val_images: number | null;
  excluded: boolean;
  /** Finished, or training with a validation accuracy: the picker can choose it. */
  comparable: boolean;
}

export interface ArchRuns {
  arch: string;
  /** The run standing for this architecture, or null. */
  run_id: number | null;
  provisional: boolean;
  picked_by_hand: boolean;
  runs: CandidateRun[];
}

export interface WorkspaceRankings {
  /** Null while the comparison is not possible; `unavailable` says why. */
  rankings: Rankings | null;
  unavailable: string | null;
  choice: RunChoice;
  /** The export compared, and every export with runs. */
  dataset: string | null;
  exports: ExportSummary[];
  archs: ArchRuns[];
  notes: string[];
}

function candidateRow(r: RunCandidate): CandidateRun {
  return {
    id: r.id,
    status: r.status,
    dataset: r.dataset,
    profile: r.profile,
    engine: r.engine,
    epoch: r.epoch,
    epochs: r.epochs,
    top1: r.top1,
    test_images: r.testImages,
    latest_val: r.latestVal,
    val_images: r.valImages,
    excluded: r.excluded,
    comparable: isFinished(r) || isLive(r),
  };
}

export function workspaceRankings(
  runs: readonly RunCandidate[],
  reference: readonly ModelAccuracy[],
  choice: RunChoice,
  opts: { resamples?: number; seed?: number } = {},
): WorkspaceRankings {
  const picked = chooseRuns(runs, choice);
  const byArch = new Map(picked.chosen.map((c) => [c.arch, c]));
  const archs = [...new Set(runs.map((r) => r.arch))].sort().map((arch) => {
    const c = byArch.get(arch);
    return {
      arch,
      run_id: c?.runId ?? null,
      provisional: c?.provisional ?? false,
      picked_by_hand: c?.pickedByHand ?? false,
      runs: runs
        .filter((r) => r.arch === arch)
        .sort((a, b) => b.id - a.id)
        .map(candidateRow),
    };
  });
  const base = { choice, dataset: picked.dataset, exports: picked.exports, archs, notes: picked.notes };
  const results: ModelAccuracy[] = picked.chosen.map((c) => ({
    arch: c.arch,
    top1: c.top1,
    n: c.n,
    provisional: c.provisional,
    runId: c.runId,
  }));
  if (!results.length) {
    return {
      ...base,
      rankings: null,
      unavailable: runs.length ? 'no run has finished or reported a validation accuracy yet' : 'no training runs yet',
    };
  }
  try {
    return { ...base, rankings: computeRankings(results, reference, opts), unavailable: null };
  } catch (err) {
    if (err instanceof RankingsError) return { ...base, rankings: null, unavailable: err.message };
    throw err;
  }
}
