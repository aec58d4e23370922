// The synset catalog (table synsets), the workspace's lemma overrides (table lemma_overrides) and the match results
// (table matches). Every change of the matches bumps meta 'matches_version', of eligibility 'eligibility_version', of
// the overrides 'lemma_overrides_version', so per-process caches built from them (the curation screen's class index
// and item order, the synsets API's lemma states) know to rebuild.
import type { Db } from './workspace.ts';
import { getMeta, setMeta } from './meta.ts';

export type ManualDecision = 'include' | 'exclude';

/** What the catalog holds per synset from WordNet and the eligibility rules. */
export interface CatalogEntry {
  wnid: string;
  name: string;
  /** Matched-form lemmas ('_' -> ' '), in WordNet order. */
  lemmas: string[];
  definition: string;
  lexname: string;
  depth: number;
  inImagenet1k: boolean;
  eligible: boolean;
  reason: string | null;
}

/** A catalog row: the entry, the manual decision, and the last match run's counts. */
export interface SynsetRow extends CatalogEntry {
  manual: ManualDecision | null;
  chosen: boolean;
  candidates: number;
  ambiguous: number;
}

const COLUMNS = `wnid, name, lemmas, definition, lexname, depth, in_imagenet_1k inImagenet1k, eligible, reason, manual, chosen, candidates, ambiguous`;

interface RawRow extends Omit<SynsetRow, 'lemmas' | 'inImagenet1k' | 'eligible' | 'chosen'> {
  lemmas: string;
  inImagenet1k: number;
  eligible: number;
  chosen: number;
}

function toRow(r: RawRow): SynsetRow {
  return {
    ...r,
    lemmas: r.lemmas ? r.lemmas.split('|') : [],
    inImagenet1k: !!r.inImagenet1k,
    eligible: !!r.eligible,
    chosen: !!r.chosen,
  };
}

export function countSynsets(db: Db): number {
  return (db.prepare(`SELECT COUNT(*) n FROM synsets`).get() as { n: number }).n;
}

/** A counter in meta, bumped by every write of what it versions. */
function versionOf(db: Db, key: string): string {
  return getMeta(db, key) ?? '0';
}

function bump(db: Db, key: string): void {
  setMeta(db, key, String(Number(versionOf(db, key)) + 1));
}

const ELIGIBILITY_VERSION = 'eligibility_version';
const OVERRIDES_VERSION = 'lemma_overrides_version';
const MATCHES_VERSION = 'matches_version';

/** Changes whenever the catalog's eligibility changes. */
export function eligibilityVersion(db: Db): string {
  return versionOf(db, ELIGIBILITY_VERSION);
}

/** Changes whenever a lemma override is set or cleared. */
export function lemmaOverridesVersion(db: Db): string {
  return versionOf(db, OVERRIDES_VERSION);
}

/** Changes whenever the matches change (a new run starts, a run records its counts). */
export function matchesVersion(db: Db): string {
  return versionOf(db, MATCHES_VERSION);
}

/** Insert or update catalog entries (manual decisions and match counts are kept). Call inside a transaction. */
export function upsertCatalog(db: Db, entries: CatalogEntry[]): void {
  const st = db.prepare(
    `INSERT INTO synsets (wnid, name, lemmas, definition, lexname, depth, in_imagenet_1k, eligible, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(wnid) DO UPDATE SET name = excluded.name, lemmas = excluded.lemmas, definition = excluded.definition,
       lexname = excluded.lexname, depth = excluded.depth, in_imagenet_1k = excluded.in_imagenet_1k,
       eligible = excluded.eligible, reason = excluded.reason`,
  );
  for (const e of entries)
    st.run(
      e.wnid,
      e.name,
      e.lemmas.join('|'),
      e.definition,
      e.lexname,
      e.depth,
      e.inImagenet1k ? 1 : 0,
      e.eligible ? 1 : 0,
      e.reason,
    );
  bump(db, ELIGIBILITY_VERSION);
}

/** Update eligibility of the rows whose value changed. Call inside a transaction. */
export function updateEligibility(db: Db, rows: { wnid: string; eligible: boolean; reason: string | null }[]): number {
  const st = db.prepare(
    `UPDATE synsets SET eligible = ?, reason = ? WHERE wnid = ? AND (eligible <> ? OR reason IS NOT ?)`,
  );
  let n = 0;
  for (const r of rows) n += st.run(r.eligible ? 1 : 0, r.reason, r.wnid, r.eligible ? 1 : 0, r.reason).changes;
  if (n) bump(db, ELIGIBILITY_VERSION);
  return n;
}

export function manualDecisions(db: Db): Map<string, ManualDecision> {
  const rows = db.prepare(`SELECT wnid, manual FROM synsets WHERE manual IS NOT NULL`).all() as {
    wnid: string;
    manual: ManualDecision;
  }[];
  return new Map(rows.map((r) => [r.wnid, r.manual]));
}

export function setManualDecision(db: Db, wnid: string, manual: ManualDecision | null): boolean {
  return db.prepare(`UPDATE synsets SET manual = ? WHERE wnid = ?`).run(manual, wnid).changes === 1;
}

export function getSynset(db: Db, wnid: string): SynsetRow | undefined {
  const r = db.prepare(`SELECT ${COLUMNS} FROM synsets WHERE wnid = ?`).get(wnid) as RawRow | undefined;
  return r && toRow(r);
}

export function eligibleWnids(db: Db): string[] {
  return (db.prepare(`SELECT wnid FROM synsets WHERE eligible = 1 ORDER BY wnid`).all() as { wnid: string }[]).map(
    (r) => r.wnid,
  );
}

/** Synsets whose wnid, name or a lemma contains `query` (case-insensitive); exact wnid/name hits first, then by candidates. */
export function searchSynsets(db: Db, query: string, opts: { limit: number; eligibleOnly: boolean }): SynsetRow[] {
  const q = query.trim().toLowerCase();
  const like = `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
  const rows = db
    .prepare(
      `SELECT ${COLUMNS} FROM synsets
       WHERE (? = '' OR wnid = ? OR lower(name) LIKE ? ESCAPE '\\' OR lower(lemmas) LIKE ? ESCAPE '\\')
         AND (? = 0 OR eligible = 1)
       ORDER BY (wnid = ? OR lower(name) = ?) DESC, candidates DESC, depth, wnid
       LIMIT ?`,
    )
    .all(q, q, like, like, opts.eligibleOnly ? 1 : 0, q, q, opts.limit) as RawRow[];
  return rows.map(toRow);
}

/** Synsets with candidates or ambiguous matches in the last run, and those counts. */
export function candidateCounts(db: Db): { wnid: string; name: string; candidates: number; ambiguous: number }[] {
  return db
    .prepare(`SELECT wnid, name, candidates, ambiguous FROM synsets WHERE candidates > 0 OR ambiguous > 0`)
    .all() as {
    wnid: string;
    name: string;
    candidates: number;
    ambiguous: number;
  }[];
}

// ---- lemma overrides ----

export type LemmaOverrideDecision = 'keep' | 'drop';

/** The workspace's overrides: wnid -> lemma (matched form) -> decision. */
export function lemmaOverrides(db: Db): Map<string, Map<string, LemmaOverrideDecision>> {
  const out = new Map<string, Map<string, LemmaOverrideDecision>>();
  for (const r of db.prepare(`SELECT wnid, lemma, decision FROM lemma_overrides`).all() as {
    wnid: string;
    lemma: string;
    decision: LemmaOverrideDecision;
  }[]) {
    let m = out.get(r.wnid);
    if (!m) out.set(r.wnid, (m = new Map()));
    m.set(r.lemma, r.decision);
  }
  return out;
}

/** Set (or, with null, clear) the override of one lemma of one synset. */
export function setLemmaOverride(db: Db, wnid: string, lemma: string, decision: LemmaOverrideDecision | null): void {
  if (decision === null) db.prepare(`DELETE FROM lemma_overrides WHERE wnid = ? AND lemma = ?`).run(wnid, lemma);
  else {
    db.prepare(
      `INSERT INTO lemma_overrides (wnid, lemma, decision) VALUES (?, ?, ?)
       ON CONFLICT(wnid, lemma) DO UPDATE SET decision = excluded.decision, decided_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
    ).run(wnid, lemma, decision);
  }
  bump(db, OVERRIDES_VERSION);
}

// ---- matches ----

/** The last finished run's totals (matched and ambiguous samples). */
export function matchTotals(db: Db): { matched: number; ambiguous: number } {
  const r = db
    .prepare(
      `SELECT COALESCE(SUM(status = 'matched'), 0) matched, COALESCE(SUM(status = 'ambiguous'), 0) ambiguous FROM matches`,
    )
    .get() as {
    matched: number;
    ambiguous: number;
  };
  return r;
}

export interface MatchRow {
  sampleId: number;
  wnids: string;
  lemmas: string;
  status: 'matched' | 'ambiguous';
}

/** Samples (id, caption) after `afterId` in id order: what the match job reads. */
export function samplesForMatching(db: Db, afterId: number, limit: number): { id: number; caption: string }[] {
  return db.prepare(`SELECT id, caption FROM samples WHERE id > ? ORDER BY id LIMIT ?`).all(afterId, limit) as {
    id: number;
    caption: string;
  }[];
}

export function countSamplesAfter(db: Db, afterId: number): number {
  return (db.prepare(`SELECT COUNT(*) n FROM samples WHERE id > ?`).get(afterId) as { n: number }).n;
}

/** A new match run: forget the previous run's matches, chosen flags and counts. Call inside a transaction. */
export function clearMatches(db: Db): void {
  db.prepare(`DELETE FROM matches`).run();
  db.prepare(
    `UPDATE synsets SET chosen = 0, candidates = 0, ambiguous = 0 WHERE chosen <> 0 OR candidates <> 0 OR ambiguous <> 0`,
  ).run();
  bump(db, MATCHES_VERSION);
}

export function insertMatches(db: Db, rows: MatchRow[]): void {
  const st = db.prepare(`INSERT OR REPLACE INTO matches (sample_id, wnids, lemmas, status) VALUES (?, ?, ?, ?)`);
  for (const r of rows) st.run(r.sampleId, r.wnids, r.lemmas, r.status);
}

/** Per-synset counts of the finished run, and the chosen flags. Call inside a transaction. */
export function recordMatchCounts(
  db: Db,
  chosen: string[],
  perSynset: Map<string, { candidates: number; ambiguous: number }>,
): void {
  const mark = db.prepare(`UPDATE synsets SET chosen = 1 WHERE wnid = ?`);
  for (const w of chosen) mark.run(w);
  const st = db.prepare(`UPDATE synsets SET candidates = ?, ambiguous = ? WHERE wnid = ?`);
  for (const [w, c] of perSynset) st.run(c.candidates, c.ambiguous, w);
  bump(db, MATCHES_VERSION);
}

/** Matches in sample order with the sample's source row (for comparing with `imagenot match --out`). */
export function matchesWithRows(
  db: Db,
): { sourceId: number; row: number; wnids: string; lemmas: string; status: string }[] {
  return db
    .prepare(
      `SELECT s.source_id sourceId, s.row, m.wnids, m.lemmas, m.status FROM matches m JOIN samples s ON s.id = m.sample_id ORDER BY s.source_id, s.row`,
    )
    .all() as { sourceId: number; row: number; wnids: string; lemmas: string; status: string }[];
}

/** All matches' wnids/status, streamed (to count per synset). */
export function iterateMatchOutcomes(db: Db): IterableIterator<{ wnids: string; status: string }> {
  return db.prepare(`SELECT wnids, status FROM matches`).iterate() as IterableIterator<{
    wnids: string;
    status: string;
  }>;
}
