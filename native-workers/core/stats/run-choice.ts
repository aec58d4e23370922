// Which run stands for each architecture in the rankings. One rule for the Rankings screen and `imagenot rankings WS`:
//
// 1. One export is compared: the chosen one, else the export on which the most architectures have a finished run (a
//    tie goes to the export of the newest finished run). Runs on other exports are listed, never mixed in silently.
// 2. Per architecture: the run picked by hand, else the newest finished (succeeded, with a test top-1), not excluded
//    run on that export; else, when provisional positions are wanted, the newest running run on that export that has
//    a validation accuracy: its latest one stands in for the test top-1 and is marked provisional.
// 3. What makes the chosen runs hard to compare (different profiles or engines) becomes a note; their epochs are
//    shown with each run (each architecture's recipe has its own budget).

export interface RunCandidate {
  id: number;
  arch: string;
  status: string;
  /** The export the run trained on (as stored with the run). */
  dataset: string;
  profile: string;
  engine: string;
  /** Epochs completed, and planned. */
  epoch: number;
  epochs: number | null;
  /** Test top-1 in percent (finished runs) and the number of test images it was measured on. */
  top1: number | null;
  testImages: number | null;
  /** The latest validation accuracy (percent) while training, and the validation images it was measured on. */
  latestVal: number | null;
  valImages: number | null;
  excluded: boolean;
}

export interface RunChoice {
  /** The export compared; null: chosen by rule 1. */
  dataset: string | null;
  /** Run id picked by hand per architecture. */
  picks: Record<string, number>;
  /** Show runs still training at their latest validation accuracy. */
  provisional: boolean;
}

export const DEFAULT_RUN_CHOICE: RunChoice = { dataset: null, picks: {}, provisional: true };

export interface ChosenRun {
  arch: string;
  runId: number;
  /** Test top-1, or the latest validation accuracy of a provisional run (percent). */
  top1: number;
  /** Images that accuracy was measured on (null when the run did not record it). */
  n: number | null;
  provisional: boolean;
  pickedByHand: boolean;
}

export interface ExportSummary {
  dataset: string;
  /** Architectures with a finished, not excluded run on it. */
  archs: number;
  runs: number;
}

export interface RunChoiceResult {
  dataset: string | null;
  exports: ExportSummary[];
  chosen: ChosenRun[];
  notes: string[];
}

export const isFinished = (r: RunCandidate) => r.status === 'succeeded' && r.top1 != null;
export const isLive = (r: RunCandidate) => r.status === 'running' && r.latestVal != null;

function exportSummaries(runs: readonly RunCandidate[]): (ExportSummary & { newest: number })[] {
  const by = new Map<string, { archs: Set<string>; runs: number; newest: number }>();
  for (const r of runs) {
    const e = by.get(r.dataset) ?? { archs: new Set<string>(), runs: 0, newest: -1 };
    e.runs++;
    if (isFinished(r) && !r.excluded) {
      e.archs.add(r.arch);
      e.newest = Math.max(e.newest, r.id);
    }
    by.set(r.dataset, e);
  }
  return [...by.entries()].map(([dataset, e]) => ({ dataset, archs: e.archs.size, runs: e.runs, newest: e.newest }));
}

/** Rule 1: the export with the most architectures finished; a tie goes to the newest finished run's export. */
function defaultExport(runs: readonly RunCandidate[], summaries: ReturnType<typeof exportSummaries>): string | null {
  const best = [...summaries].filter((s) => s.archs > 0).sort((a, b) => b.archs - a.archs || b.newest - a.newest)[0];
  if (best) return best.dataset;
  const live = runs.filter(isLive).sort((a, b) => b.id - a.id)[0];
  return live?.dataset ?? null;
}

function differing(chosen: readonly { arch: string; value: string }[], what: string): string | null {
  const values = new Set(chosen.map((c) => c.value));
  if (values.size <= 1) return null;
  return `the compared runs differ in ${what}: ${chosen.map((c) => `${c.arch} ${c.value}`).join(', ')}`;
}

export function chooseRuns(runs: readonly RunCandidate[], choice: RunChoice): RunChoiceResult {
  const summaries = exportSummaries(runs);
  const notes: string[] = [];
  let dataset = choice.dataset;
  if (dataset != null && !summaries.some((s) => s.dataset === dataset)) {
    notes.push(`no runs on the chosen export ${dataset}; comparing the default export instead`);
    dataset = null;
  }
  dataset ??= defaultExport(runs, summaries);
  const byId = new Map(runs.map((r) => [r.id, r]));
  const newestFirst = [...runs].sort((a, b) => b.id - a.id);
  const archs = [...new Set(runs.map((r) => r.arch))].sort();
  const chosen: ChosenRun[] = [];
  const used: RunCandidate[] = [];
  for (const arch of archs) {
    const pickId = choice.picks[arch];
    const picked = pickId == null ? undefined : byId.get(pickId);
    let run: RunCandidate | undefined;
    let byHand = false;
    if (pickId != null) {
      if (picked && picked.arch === arch && (isFinished(picked) || isLive(picked))) {
        run = picked;
        byHand = true;
        if (picked.dataset !== dataset)
          notes.push(`${arch}: run #${picked.id} (picked by hand) trained on another export, ${picked.dataset}`);
      } else {
        notes.push(
          `${arch}: run #${pickId} picked by hand has no accuracy to compare (${picked ? picked.status : 'deleted'}); using the default run`,
        );
      }
    }
    const onExport = newestFirst.filter((r) => r.arch === arch && r.dataset === dataset && !r.excluded);
    run ??= onExport.find(isFinished) ?? (choice.provisional ? onExport.find(isLive) : undefined);
    if (!run) continue;
    const provisional = !isFinished(run);
    used.push(run);
    chosen.push({
      arch,
      runId: run.id,
      top1: provisional ? run.latestVal! : run.top1!,
      n: provisional ? run.valImages : run.testImages,
      provisional,
      pickedByHand: byHand,
    });
  }
  for (const what of ['profile', 'engine'] as const) {
    const note = differing(
      used.map((r) => ({ arch: r.arch, value: r[what] })),
      what,
    );
    if (note) notes.push(note);
  }
  return { dataset, exports: summaries.map(({ newest: _, ...s }) => s), chosen, notes };
}
