// The curation grid's rows: one class's candidates with caption, thumbnail, both similarities, flags and decision.
import { isKept } from '../core/similarity/thresholds.ts';
import type { Decision } from './decisions.ts';
import type { Db } from './workspace.ts';

export interface CurationItem {
  sampleId: number;
  caption: string;
  url: string;
  thumb: string | null;
  textSimilarity: number | null;
  imageSimilarity: number | null;
  flags: string[];
  decision: Decision | null;
  kept: boolean;
}

const SORT_COLUMN = { text: 'ts', image: 'xs', id: 'm.sample_id' } as const;

export function curationItems(
  db: Db,
  q: {
    wnid: string;
    textEncoder: string;
    imageEncoder: string | null;
    threshold: number;
    sort: keyof typeof SORT_COLUMN;
    order: 'asc' | 'desc';
    offset: number;
    limit: number;
  },
): { total: number; items: CurationItem[] } {
  const total = (db.prepare(`SELECT COUNT(*) n FROM matches WHERE wnids = ? AND status = 'matched'`).get(q.wnid) as { n: number }).n;
  const col = SORT_COLUMN[q.sort];
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const rows = db
    .prepare(
      `SELECT m.sample_id sampleId, s.caption caption, s.url url, i.thumb_path thumb, t.similarity ts, x.similarity xs,
              d.decision decision,
              (SELECT group_concat(f.kind, '|') FROM flags f WHERE f.sample_id = m.sample_id AND f.flagged = 1) flags
       FROM matches m JOIN samples s ON s.id = m.sample_id
       LEFT JOIN images i ON i.sha256 = s.image_sha256
       LEFT JOIN text_similarities t ON t.sample_id = m.sample_id AND t.encoder = ? AND t.wnid = m.wnids
       LEFT JOIN image_similarities x ON x.sample_id = m.sample_id AND x.encoder = ?
       LEFT JOIN decisions d ON d.sample_id = m.sample_id AND d.wnid = m.wnids
       WHERE m.wnids = ? AND m.status = 'matched'
       ORDER BY ${col} IS NULL, ${col} ${dir}, m.sample_id ${dir}
       LIMIT ? OFFSET ?`,
    )
    .all(q.textEncoder, q.imageEncoder ?? '', q.wnid, q.limit, q.offset) as {
    sampleId: number;
    caption: string;
    url: string | null;
    thumb: string | null;
    ts: number | null;
    xs: number | null;
    decision: Decision | null;
    flags: string | null;
  }[];
  return {
    total,
    items: rows.map((r) => ({
      sampleId: r.sampleId,
      caption: r.caption,
      url: r.url ?? '',
      thumb: r.thumb,
      textSimilarity: r.ts,
      imageSimilarity: r.xs,
      flags: r.flags ? r.flags.split('|') : [],
      decision: r.decision,
      kept: r.decision === 'accept' || (r.decision == null && r.ts != null && isKept(r.ts, q.threshold)),
    })),
  };
}

/** True when the sample is a matched candidate of the class. */
export function isCandidate(db: Db, sampleId: number, wnid: string): boolean {
  return !!db.prepare(`SELECT 1 FROM matches WHERE sample_id = ? AND wnids = ? AND status = 'matched'`).get(sampleId, wnid);
}
