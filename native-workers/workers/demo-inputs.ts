// What the `demo` job reads besides Fashion-MNIST: where its files go inside the workspace, WordNet, the eligibility of
// its ten classes under the default rules, and the kept count per class after the text filter.
import type { Workspace } from '../store/workspace.ts';
import { currentTextFilter, getMetaJson } from '../store/meta.ts';
import { countSamples } from '../store/samples.ts';
import { listJobs } from '../store/jobs.ts';
import { loadSelectionCandidates } from '../store/selection.ts';
import { currentImageEncoder } from '../store/image-similarities.ts';
import { FLAG_KINDS } from '../store/flags.ts';
import { isKept } from '../core/selection/kept.ts';
import type { WordNet } from '../core/wordnet/wordnet.ts';
import { getSynset } from '../store/synsets.ts';
import { ensureSynsetCatalog } from './synset-catalog.ts';
import { FASHION_CLASSES } from '../core/demo/fashion-classes.ts';
import type { DemoSize } from '../core/demo/plan.ts';

export interface DemoPaths {
  /** The image folder the demo ingests: one PNG and one same-name .txt caption per image. */
  source: string;
  /** The synsets the demo matches against (the eligible ones of its ten classes), one wnid per line. */
  synsets: string;
  /** Ground truth of the generated source (Fashion-MNIST label and index, caption kind), for analysis only. */
  truth: string;
}

export function DEMO_PATHS(ws: Workspace): DemoPaths {
  return {
    source: ws.resolveInside('demo-source'),
    synsets: ws.resolveInside('demo-synsets.txt'),
    truth: ws.resolveInside('demo-truth.csv'),
  };
}

export interface DemoClassRule {
  fashionName: string;
  wnid: string;
  name: string;
  eligible: boolean;
  reason: string | null;
}

/**
 * Each demo class with its eligibility under the workspace's rules (ImageNot's defaults in a new workspace), read from
 * the synset catalog (filled here if it is not yet).
 */
export function demoClassRules(ws: Workspace, wordnet: WordNet): DemoClassRule[] {
  ensureSynsetCatalog(ws, wordnet);
  return FASHION_CLASSES.map((c) => {
    const s = getSynset(ws.db, c.wnid);
    if (!s) throw new Error(`demo class ${c.wnid} (${c.name}) is missing from the synset catalog`);
    return { fashionName: c.name, wnid: c.wnid, name: s.name, eligible: s.eligible, reason: s.reason };
  });
}

/** Kept (distinct) images per demo class at the workspace's current text filter, as the selection will count them. */
export function keptPerClass(ws: Workspace): { wnid: string; name: string; kept: number }[] {
  const filter = currentTextFilter(ws.db);
  if (!filter) throw new Error('demo: the text filter has not recorded an encoder and threshold');
  const candidates = loadSelectionCandidates(ws.db, {
    textEncoder: filter.encoder,
    imageEncoder: currentImageEncoder(ws.db),
    excludeFlags: [...FLAG_KINDS],
  });
  const kept = new Map<string, Set<string>>();
  for (const c of candidates) {
    if (!c.sha256 || !isKept({ ...c, hasImage: true }, filter.threshold)) continue;
    const set = kept.get(c.wnid) ?? new Set<string>();
    set.add(c.sha256);
    kept.set(c.wnid, set);
  }
  return FASHION_CLASSES.filter((c) => kept.has(c.wnid)).map((c) => ({
    wnid: c.wnid,
    name: c.name,
    kept: kept.get(c.wnid)!.size,
  }));
}

/** No samples and no jobs yet: the demo may be built here. */
export function isEmptyWorkspace(ws: Workspace): boolean {
  return countSamples(ws.db) === 0 && listJobs(ws.db, { limit: 1 }).length === 0;
}

export interface DemoSettings extends DemoSize {
  seed: number;
  classes: DemoClassRule[];
}

/** What the demo recorded when it was built here (meta 'demo'), or undefined for any other workspace. */
export function demoSettings(ws: Workspace): DemoSettings | undefined {
  return getMetaJson<DemoSettings>(ws.db, 'demo');
}
