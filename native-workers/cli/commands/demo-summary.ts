// The demo's closing summary: counts per stage, each run's top-1, the rank statistics against ImageNet, and how to
// open the workspace in the app.
import type { Workspace } from '../../store/workspace.ts';
import { workspaceStatus } from '../../store/status.ts';
import { getMetaJson } from '../../store/meta.ts';

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
  rankings: { pearson_r: number | null; spearman_rho: number | null; kendall_tau: number | null; n: number } | { error: string };
}

async function rankings(ws: Workspace): Promise<DemoSummary['rankings']> {
  void ws;
  return { error: 'rankings are not available yet (the training room has not landed)' };
}

export async function demoSummary(ws: Workspace, minutes: number): Promise<DemoSummary> {
  const s = workspaceStatus(ws);
  const demo = getMetaJson<{ classes?: { wnid: string; name: string; eligible: boolean; reason: string | null }[] }>(ws.db, 'demo');
  return {
    workspace: s.workspace,
    minutes: Math.round(minutes * 10) / 10,
    images: s.images,
    samples: s.samples,
    rejected: s.rejected.length,
    excludedClasses: (demo?.classes ?? []).filter((c) => !c.eligible).map(({ wnid, name, reason }) => ({ wnid, name, reason })),
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
    rankings: await rankings(ws),
  };
}

const pct = (v: number | null) => (v == null ? '-' : `${v.toFixed(1)}%`);
const num = (v: number | null | undefined) => (v == null ? '-' : v.toFixed(3));

export function formatDemoSummary(d: DemoSummary, dirArg: string): string {
  const lines = [
    '',
    `ImageNot demo (${d.minutes} min) — ${d.workspace}`,
    `  ingest     ${d.samples} samples, ${d.images} images, ${d.rejected} rejected`,
    `  synsets    ${d.excludedClasses.length ? `excluded by the default rules: ${d.excludedClasses.map((c) => `${c.name} ${c.wnid} (${c.reason})`).join('; ')}` : 'all ten demo classes eligible'}`,
    `  match      ${d.matched} matched, ${d.ambiguous} ambiguous (dropped)`,
    `  filter     ${d.aboveThreshold} of ${d.matched} above ${d.textEncoder ?? '-'} threshold ${d.threshold ?? '-'}`,
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
