// Every candidate (a sample matched to exactly one class) with everything `imagenot candidates` writes about it,
// including what the kept rule (core/selection/kept.ts) needs: the NSFW metadata flag is derived from the sample
// (store/flags.ts) and `excluded` says whether any excluding flag is set, as curation and selection see it.
import { excludedSql, exclusionParams, nsfwMetaFlagSql } from './flags.ts';
import type { Db } from './workspace.ts';

export interface CandidateRow {
  sampleId: number;
  sourceFile: string;
  row: number;
  url: string | null;
  caption: string;
  wnid: string;
  lemmas: string;
  textSimilarity: number | null;
  imageSimilarity: number | null;
  sha256: string | null;
  nsfwMeta: string | null;
  nsfwMetaFlag: number | null;
  nsfwClassifierFlag: number | null;
  nsfwClassifierScore: number | null;
  ocrFlag: number | null;
  ocrDetail: string | null;
  decision: 'accept' | 'reject' | null;
  /** 1 when an excluding flag (any kind) is set. */
  excluded: number;
}

/** Candidates in sample-id order, streamed (a workspace may hold millions). */
export function iterateCandidates(
  db: Db,
  opts: { textEncoder: string | null; imageEncoder: string | null },
): IterableIterator<CandidateRow> {
  return db
    .prepare(
      `SELECT m.sample_id sampleId, src.path sourceFile, s.row, s.url, s.caption, m.wnids wnid, m.lemmas,
              t.similarity textSimilarity, i.similarity imageSimilarity, s.image_sha256 sha256, s.nsfw_meta nsfwMeta,
              ${nsfwMetaFlagSql('s')} nsfwMetaFlag, fc.flagged nsfwClassifierFlag, fc.score nsfwClassifierScore,
              fo.flagged ocrFlag, fo.detail ocrDetail, d.decision, ${excludedSql('s')} excluded
       FROM matches m JOIN samples s ON s.id = m.sample_id JOIN sources src ON src.id = s.source_id
       LEFT JOIN text_similarities t ON t.sample_id = m.sample_id AND t.encoder = @textEncoder AND t.wnid = m.wnids
       LEFT JOIN image_similarities i ON i.sample_id = m.sample_id AND i.encoder = @imageEncoder
       LEFT JOIN flags fc ON fc.sample_id = m.sample_id AND fc.kind = 'nsfw_classifier'
       LEFT JOIN flags fo ON fo.sample_id = m.sample_id AND fo.kind = 'ocr'
       LEFT JOIN decisions d ON d.sample_id = m.sample_id AND d.wnid = m.wnids
       WHERE m.status = 'matched'
       ORDER BY m.sample_id`,
    )
    .iterate({
      textEncoder: opts.textEncoder,
      imageEncoder: opts.imageEncoder,
      ...exclusionParams(db),
    }) as IterableIterator<CandidateRow>;
}

export function countCandidates(db: Db): number {
  return (db.prepare(`SELECT COUNT(*) n FROM matches WHERE status = 'matched'`).get() as { n: number }).n;
}

/** Lemmas of a synset as a list (the synsets table stores them as a JSON array or '|'/','-joined text). */
export function parseLemmaList(text: string | null | undefined): string[] {
  if (!text) return [];
  const t = text.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t);
      if (Array.isArray(v)) return v.map(String);
    } catch {
      /* fall through to the separators */
    }
  }
  return t
    .split(/[|,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Lemmas of each given synset, for the OCR rule. */
export function synsetLemmas(db: Db, wnids: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const get = db.prepare(`SELECT name, lemmas FROM synsets WHERE wnid = ?`);
  for (const wnid of wnids) {
    const r = get.get(wnid) as { name: string; lemmas: string } | undefined;
    if (!r) continue;
    const lemmas = parseLemmaList(r.lemmas);
    out.set(wnid, lemmas.length ? lemmas : [r.name]);
  }
  return out;
}
