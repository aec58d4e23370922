// The demo's closing summary: counts per stage, each run's top-1, the rank statistics against ImageNet, and how to
// open the workspace in the app.
import type { Workspace } from '../../store/workspace.ts';
import { workspaceStatus } from '../../store/status.ts';
import { getMetaJson } from '../../store/meta.ts';
import { finishedRunsByArch } from '../../store/runs.ts';
import { computeRankings } from '../../core/stats/rankings.ts';
import { readReference } from '../../io/rankings/tables.ts';
import { existsSync } from 'node:fs';
import { demoCandidates } from '../../store/demo.ts';
import { readTruth } from '../../io/demo/truth.ts';
import { labelQuality, type CandidateAtStages, type LabelQuality } from '../../core/demo/label-quality.ts';
import { DEMO_PATHS } from '../../workers/demo-inputs.ts';

export interface DemoSummary {
  workspace: string;
  minutes: number;
  images: number;
  samples: number;
  rejected: number;
  excludedClasses: { wnid: string; name: string; reason: string | null }[];
  matched: number;
  ambiguous: number;
  textEncoder: string | null;
  threshold: number | null;
  aboveThreshold: number;
  classes: number;
  trainImages: number;
  testImages: number;
  chance: number | null;
  runs: { arch: string; status: string; top1: number | null }[];
  /** Against the demo's ground truth: how many candidates show the class they were assigned, per stage. */
  labels: LabelQuality | null;
  rankings:
    | { pearson_r: number | null; spearman_rho: number | null; kendall_tau: number | null; n: number }
    | { error: string };
}

/** Rankings against the bundled torchvision ImageNet-1k top-1, from each architecture's latest finished run. */
function rankings(ws: Workspace): DemoSummary['rankings'] {
  const results = finishedRunsByArch(ws.db)
    .filter((r) => r.top1 != null)
    .map((r) => ({ arch: r.arch, top1: r.top1! }));
  try {
    const r = computeRankings(results, readReference());
    return { n: r.n, pearson_r: r.pearson_r, spearman_rho: r.spearman_rho, kendall_tau: r.kendall_tau };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function labels(ws: Workspace, encoder: string | null, threshold: number | null): LabelQuality | null {
  const path = DEMO_PATHS(ws).truth;
  if (!existsSync(path)) return null;
  const truth = new Map(readTruth(path).map((r) => [r.file, r]));
  const items: CandidateAtStages[] = [];
  for (const c of demoCandidates(ws.db, encoder)) {
    const t = c.file ? truth.get(c.file) : undefined;
    if (!t) continue;
    const kept = threshold != null && c.similarity != null && c.similarity > threshold;
    items.push({ wnid: c.wnid, trueWnid: t.wnid, captionKind: t.kind, kept, selected: c.split != null });
  }
  return labelQuality(items);
}

export function demoSummary(ws: Workspace, minutes: number): DemoSummary {
  const s = workspaceStatus(ws);
  const demo = getMetaJson<{ classes?: { wnid: string; name: string; eligible: boolean; reason: string | null }[] }>(
    ws.db,
    'demo',
  );
  return {
    workspace: s.workspace,
    minutes: Math.round(minutes * 10) / 10,
    images: s.images,
    samples: s.samples,
    rejected: s.rejected.length,
    excludedClasses: (demo?.classes ?? [])
      .filter((c) => !c.eligible)
      .map(({ wnid, name, reason }) => ({ wnid, name, reason })),
    matched: s.matched,
    ambiguous: s.ambiguous,
    textEncoder: s.text_encoder,
    threshold: s.threshold,
    aboveThreshold: s.above_threshold,
    classes: s.classes_selected,
    trainImages: s.train_images,
    testImages: s.test_images,
    chance: s.classes_selected ? 100 / s.classes_selected : null,
    runs: s.runs.map(({ arch, status, top1 }) => ({ arch, status, top1 })),
    labels: labels(ws, s.text_encoder, s.threshold),
    rankings: rankings(ws),
  };
}

const pct = (v: number | null) => (v == null ? '-' : `${v.toFixed(1)}%`);
const num = (v: number | null | undefined) => (v == null ? '-' : v.toFixed(3));

const share = (t: { n: number; correct: number }) => (t.n ? `${((100 * t.correct) / t.n).toFixed(0)}% of ${t.n}` : '-');

/** The ground-truth lines: label precision per stage and what the text filter kept per caption kind. */
function labelLines(q: LabelQuality | null): string[] {
  if (!q) return [];
  const kinds = Object.entries(q.byKind)
    .map(([k, v]) => `${k} ${v.matched ? ((100 * v.kept) / v.matched).toFixed(0) : '-'}%`)
    .join(', ');
  return [
    `  truth      right class: ${share(q.matched)} matched, ${share(q.kept)} kept by the filter, ${share(q.selected)} selected`,
    `             the filter kept, by caption kind: ${kinds}`,
  ];
}

export function formatDemoSummary(d: DemoSummary, dirArg: string): string {
  const lines = [
    '',
    `ImageNot demo (${d.minutes} min) — ${d.workspace}`,
    `  ingest     ${d.samples} samples, ${d.images} images, ${d.rejected} rejected`,
    `  synsets    ${d.excludedClasses.length ? `excluded by the default rules: ${d.excludedClasses.map((c) => `${c.name} ${c.wnid} (${c.reason})`).join('; ')}` : 'all ten demo classes eligible'}`,
    `  match      ${d.matched} matched, ${d.ambiguous} ambiguous (dropped)`,
    `  filter     ${d.aboveThreshold} of ${d.matched} above ${d.textEncoder ?? '-'} threshold ${d.threshold ?? '-'}`,
    ...labelLines(d.labels),
    `  selection  ${d.classes} classes, ${d.trainImages} train / ${d.testImages} test images (chance ${pct(d.chance)})`,
    `  training   ${d.runs.map((r) => `${r.arch} ${r.status === 'succeeded' || r.top1 != null ? pct(r.top1) : r.status}`).join(', ') || '-'}`,
    'error' in d.rankings
      ? `  rankings   ${d.rankings.error}`
      : `  rankings   vs ImageNet (n=${d.rankings.n}): Pearson r ${num(d.rankings.pearson_r)}, Spearman ${num(d.rankings.spearman_rho)}, Kendall ${num(d.rankings.kendall_tau)}`,
    '',
    'Open it in the app: `npm start` and open the folder, or in a browser: `imagenot serve ' + dirArg + '`.',
    `Details: \`imagenot status ${dirArg}\`, \`imagenot rankings ${dirArg}\`.`,
    '',
  ];
  return lines.join('\n');
}
