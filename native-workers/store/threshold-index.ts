// Threshold queries for the curation screen: per-class kept counts, a class's facet counts and histogram at any
// threshold, from a per-class sorted index (core/similarity/threshold-index.ts).
// "Kept" is the one rule of core/selection/kept.ts, the same `imagenot select` and `imagenot candidates` apply: the
// index holds only eligible candidates (an image, no excluding flag — store/kept.ts), so without decisions kept =
// eligible similarities strictly above the threshold (a binary search); manual decisions are applied on top through
// the same rule (core/similarity/decision-adjustments.ts).
// The index is built from the inputs' versions (similarities, flags or the NSFW metadata rule, fetched images, the
// last match run's matches; each bumps its own meta version in the writing transaction, in any process) and persisted
// in `threshold_indexes`, so a fresh server loads it instead of rebuilding: the filter job builds it as its last step,
// and the fetch, flag and match jobs rebuild it where they changed its inputs (refreshWorkspaceIndex). A stored index
// built from other versions (say, before a re-match) is stale: it is rebuilt, not served as current.
// While a data job is running and changing those inputs (a fetch bumps the images version per download), a stale
// index is served for a while (`current: false`) rather than rebuilt on every call.
import { ClassSimilarityIndex, type Histogram } from '../core/similarity/threshold-index.ts';
import { DecisionAdjustments, type DecisionEffectRow } from '../core/similarity/decision-adjustments.ts';
import { decisionEffect } from '../core/selection/kept.ts';
import { flagsVersion } from './flags.ts';
import { decisionFacts, keptColumns, STAT, STATS_PER_CLASS } from './kept.ts';
import { decisionsVersion } from './decisions.ts';
import { currentTextFilter } from './meta.ts';
import { sampleImagesVersion } from './samples.ts';
import { matchesVersion } from './synsets.ts';
import { textSimilaritiesVersion } from './text-similarities.ts';
import { nowIso, type Db } from './workspace.ts';

export interface IndexEntry {
  version: string;
  builtAt: string;
  buildMs: number;
  index: ClassSimilarityIndex;
  /** STATS_PER_CLASS per class, in index order (store/kept.ts STAT). */
  stats: Int32Array;
  names: Map<string, string>;
  /** Class positions in the screen's stable order: most candidates first, then wnid. */
  order: Int32Array;
  /** Smallest and largest eligible similarity of the encoder (the histogram's and slider's fixed range). */
  range: [number, number] | null;
  /** Decision adjustments, cached per decisions version. */
  adjustments?: { version: string; value: DecisionAdjustments };
}

export interface IndexLookup extends IndexEntry {
  /** False while a stale index is served because a running job keeps changing the inputs. */
  current: boolean;
}

const memory = new WeakMap<Db, Map<string, IndexEntry>>();

export function inputsVersion(db: Db): string {
  return `${textSimilaritiesVersion(db)}/${flagsVersion(db)}/${sampleImagesVersion(db)}/${matchesVersion(db)}`;
}

function synsetNames(db: Db, wnids: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const rows = db
    .prepare(`SELECT wnid, name FROM synsets WHERE wnid IN (SELECT value FROM json_each(?))`)
    .raw()
    .all(JSON.stringify(wnids)) as [string, string][];
  for (const [wnid, name] of rows) names.set(wnid, name);
  return names;
}

function finish(base: Omit<IndexEntry, 'order' | 'range'>): IndexEntry {
  const { index, stats } = base;
  const wnids = index.wnids;
  const order = Int32Array.from(wnids.keys()).sort(
    (a, b) =>
      stats[b * STATS_PER_CLASS + STAT.candidates] - stats[a * STATS_PER_CLASS + STAT.candidates] ||
      (wnids[a] < wnids[b] ? -1 : 1),
  );
  return { ...base, order, range: index.range() };
}

function build(db: Db, encoder: string, version: string): IndexEntry {
  const t0 = performance.now();
  const cols = keptColumns(db, encoder);
  const index = new ClassSimilarityIndex(cols.wnids, cols.classOf, cols.similarity);
  return finish({
    version,
    builtAt: nowIso(),
    buildMs: performance.now() - t0,
    index,
    stats: cols.stats,
    names: synsetNames(db, cols.wnids),
  });
}

/** Typed-array view of a BLOB (copied when SQLite's buffer is not aligned for the element size). */
function view<T extends Int32Array | Float64Array>(
  buf: Buffer,
  Type: { new (b: ArrayBuffer, o: number, n: number): T; BYTES_PER_ELEMENT: number },
): T {
  const n = buf.length / Type.BYTES_PER_ELEMENT;
  if (buf.byteOffset % Type.BYTES_PER_ELEMENT === 0) return new Type(buf.buffer as ArrayBuffer, buf.byteOffset, n);
  return new Type(new Uint8Array(buf).buffer, 0, n);
}

const bytes = (a: Int32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function loadPersisted(db: Db, encoder: string): IndexEntry | undefined {
  const r = db.prepare(`SELECT * FROM threshold_indexes WHERE encoder = ?`).get(encoder) as
    | {
        version: string;
        built_at: string;
        build_ms: number;
        wnids: string;
        names: string;
        stats: Buffer;
        sizes: Buffer;
        similarities: Buffer;
      }
    | undefined;
  if (!r) return undefined;
  const wnids = JSON.parse(r.wnids) as string[];
  const names = JSON.parse(r.names) as string[];
  const index = new ClassSimilarityIndex({
    wnids,
    sizes: view(r.sizes, Int32Array),
    similarities: view(r.similarities, Float64Array),
  });
  return finish({
    version: r.version,
    builtAt: r.built_at,
    buildMs: r.build_ms,
    index,
    stats: view(r.stats, Int32Array),
    names: new Map(wnids.map((w, i) => [w, names[i]])),
  });
}

function persist(db: Db, encoder: string, e: IndexEntry): void {
  const flat = e.index.toFlat();
  db.prepare(
    `INSERT INTO threshold_indexes (encoder, version, built_at, build_ms, wnids, names, stats, sizes, similarities) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(encoder) DO UPDATE SET version = excluded.version, built_at = excluded.built_at, build_ms = excluded.build_ms,
       wnids = excluded.wnids, names = excluded.names, stats = excluded.stats, sizes = excluded.sizes, similarities = excluded.similarities`,
  ).run(
    encoder,
    e.version,
    e.builtAt,
    e.buildMs,
    JSON.stringify(flat.wnids),
    JSON.stringify(flat.wnids.map((w) => e.names.get(w) ?? w)),
    bytes(e.stats),
    bytes(flat.sizes),
    bytes(flat.similarities),
  );
}

function remember(db: Db, encoder: string, e: IndexEntry): IndexEntry {
  let perDb = memory.get(db);
  if (!perDb) memory.set(db, (perDb = new Map()));
  perDb.set(encoder, e);
  return e;
}

/** Build the index from the current inputs and store it (the filter job's last step; also after any rebuild). */
export function refreshThresholdIndex(db: Db, encoder: string): IndexEntry {
  const e = build(db, encoder, inputsVersion(db));
  try {
    persist(db, encoder, e);
  } catch {
    // Another process holds the write lock: the index still serves from memory and is stored by the next rebuild.
  }
  return remember(db, encoder, e);
}

function dataJobRunning(db: Db): boolean {
  return !!db.prepare(`SELECT 1 FROM jobs WHERE state = 'running' AND lane = 'data' LIMIT 1`).get();
}

/** How long a stale index may serve while a job changes the inputs: ten builds' time, at least 10 s. */
const staleFor = (e: IndexEntry) => Math.max(10_000, 10 * e.buildMs);

export function classIndex(db: Db, encoder: string): IndexLookup {
  const version = inputsVersion(db);
  const held = memory.get(db)?.get(encoder);
  if (held?.version === version) return { ...held, current: true };
  const stored = loadPersisted(db, encoder);
  if (stored?.version === version) return { ...remember(db, encoder, stored), current: true };
  const latest = held ?? stored;
  if (latest && dataJobRunning(db) && Date.now() - Date.parse(latest.builtAt) < staleFor(latest))
    return { ...remember(db, encoder, latest), current: false };
  return { ...refreshThresholdIndex(db, encoder), current: true };
}

/** Each manual decision's effect on its class's kept count (k: the class's position in the index). */
export function decisionRows(db: Db, encoder: string, e: IndexEntry): DecisionEffectRow[] {
  const rows: DecisionEffectRow[] = [];
  for (const d of decisionFacts(db, encoder)) {
    const k = e.index.classIndex(d.wnid);
    if (k != null) rows.push({ k, textSimilarity: d.textSimilarity, ...decisionEffect(d) });
  }
  return rows;
}

function adjustments(db: Db, encoder: string, e: IndexLookup): DecisionAdjustments {
  const version = decisionsVersion(db);
  const held = memory.get(db)?.get(encoder);
  if (held?.adjustments?.version === version && held.version === e.version) return held.adjustments.value;
  const value = new DecisionAdjustments(decisionRows(db, encoder, e));
  if (held && held.version === e.version) held.adjustments = { version, value };
  return value;
}

export interface ClassCount {
  wnid: string;
  name: string;
  candidates: number;
  kept: number;
  /** Candidates with a manual decision. */
  decided: number;
}

/** Kept count of every class at a threshold (flags, images and decisions applied), in the index's class order. */
function keptArray(
  db: Db,
  encoder: string,
  e: IndexLookup,
  threshold: number,
): { kept: Int32Array; adj: DecisionAdjustments } {
  const adj = adjustments(db, encoder, e);
  return { kept: adj.apply(e.index.keptCounts(threshold), threshold), adj };
}

/** Candidates and kept per class at a threshold, in a stable order (most candidates first, then wnid). */
export function keptByClass(db: Db, encoder: string, threshold: number): ClassCount[] {
  const e = classIndex(db, encoder);
  const { kept, adj } = keptArray(db, encoder, e, threshold);
  return Array.from(e.order, (k) => {
    const wnid = e.index.wnids[k];
    return {
      wnid,
      name: e.names.get(wnid) ?? wnid,
      candidates: e.stats[k * STATS_PER_CLASS + STAT.candidates],
      kept: kept[k],
      decided: adj.decided.get(k) ?? 0,
    };
  });
}

/** Only the kept counts, in the same stable order as keptByClass: what a slider move needs. */
export function keptCountsInOrder(
  db: Db,
  encoder: string,
  threshold: number,
): { version: string; current: boolean; kept: Int32Array; total: number } {
  const e = classIndex(db, encoder);
  const { kept } = keptArray(db, encoder, e, threshold);
  const out = new Int32Array(e.order.length);
  let total = 0;
  for (let i = 0; i < out.length; i++) total += out[i] = kept[e.order[i]];
  return { version: e.version, current: e.current, kept: out, total };
}

/**
 * After a job changed the index's inputs (fetched images, new flags): rebuild and store the workspace encoder's index
 * there, in the worker, so the app's next query loads it instead of rebuilding it while the user waits.
 */
export function refreshWorkspaceIndex(db: Db): void {
  const filter = currentTextFilter(db);
  if (filter) storeIndexIfStale(db, filter.encoder);
}

/** Build and store an encoder's index unless the stored one was built from the current inputs. */
export function storeIndexIfStale(db: Db, encoder: string): void {
  const stored = db.prepare(`SELECT version FROM threshold_indexes WHERE encoder = ?`).pluck().get(encoder) as
    | string
    | undefined;
  if (stored !== inputsVersion(db)) refreshThresholdIndex(db, encoder);
}

/**
 * Load (or build) the workspace encoder's index and its decision adjustments now, so the first slider move answers
 * from memory. Called once a server or window opens the workspace; a failure here only means the first query pays.
 */
export function warmThresholdIndex(db: Db): void {
  const filter = currentTextFilter(db);
  if (filter) keptCountsInOrder(db, filter.encoder, filter.threshold);
}

/** Total kept at the workspace's own encoder and threshold (the status figure); null before the text filter ran. */
export function keptTotal(db: Db): number | null {
  const filter = currentTextFilter(db);
  if (!filter) return null;
  return keptCountsInOrder(db, filter.encoder, filter.threshold).total;
}

export interface ClassFacets {
  candidates: number;
  kept: number;
  dropped: number;
  /** Eligible candidates (image, no flag) within ±band of the threshold. */
  near: number;
  flagged: number;
  noImage: number;
  accepted: number;
  rejected: number;
  undecided: number;
}

/** The grid's filter counts for one class (each agrees with the matching `curation.items` filter's total). */
export function classFacets(
  db: Db,
  encoder: string,
  wnid: string,
  threshold: number,
  band: number,
): ClassFacets | null {
  const e = classIndex(db, encoder);
  const k = e.index.classIndex(wnid);
  if (k == null) return null;
  const stat = (s: number) => e.stats[k * STATS_PER_CLASS + s];
  const adj = adjustments(db, encoder, e);
  const candidates = stat(STAT.candidates);
  const kept = e.index.keptCount(wnid, threshold) + adj.delta(k, threshold);
  const counts = db
    .prepare(
      `SELECT decision, COUNT(*) n FROM decisions d WHERE d.wnid = ? AND EXISTS (SELECT 1 FROM matches m WHERE m.sample_id = d.sample_id AND m.wnids = d.wnid AND m.status = 'matched') GROUP BY decision`,
    )
    .all(wnid) as { decision: string; n: number }[];
  const accepted = counts.find((c) => c.decision === 'accept')?.n ?? 0;
  const rejected = counts.find((c) => c.decision === 'reject')?.n ?? 0;
  return {
    candidates,
    kept,
    dropped: candidates - kept,
    near: e.index.nearCount(k, threshold, band),
    flagged: stat(STAT.flagged),
    noImage: stat(STAT.noImage),
    accepted,
    rejected,
    undecided: candidates - accepted - rejected,
  };
}

/**
 * A class's histogram of eligible candidates' similarities. The range is the encoder's (all classes) unless given,
 * so bars keep their place when moving between classes; it widens to include the threshold.
 */
export function classHistogram(db: Db, encoder: string, wnid: string, bins: number, threshold?: number): Histogram {
  const e = classIndex(db, encoder);
  const [lo, hi] = e.range ?? [0, 1];
  const range: [number, number] = [
    Math.floor(Math.min(lo, threshold ?? lo) * 20) / 20,
    Math.ceil(Math.max(hi, threshold ?? hi) * 20) / 20,
  ];
  return e.index.histogram(wnid, bins, range);
}

/** The encoder's similarity range, rounded outward to 0.05 (null before any similarity exists). */
export function similarityRange(db: Db, encoder: string): [number, number] | null {
  const r = classIndex(db, encoder).range;
  return r ? [Math.floor(r[0] * 20) / 20, Math.ceil(r[1] * 20) / 20] : null;
}
