// The curation grid's rows: one class's candidates with caption, thumbnail, both similarities, flags and decision.
// A class can hold 100k candidates and the grid pages through all of them, so the sorted order of a class's sample
// ids is computed once (one lean query + a typed-array sort) and cached until similarities or the class change; a
// page then reads only its own rows by id. An item's `kept` is the one rule of core/selection/kept.ts (flags, image,
// decision, threshold), the same the class counts (store/threshold-index.ts) and `imagenot select` use; its `flags`
// list shows the NSFW metadata flag derived from the sample (store/flags.ts), whether or not a job has run.
import { isKept } from '../core/selection/kept.ts';
import type { Decision } from './decisions.ts';
import { excludedSql, exclusionParams, nsfwMetaFlagSql } from './flags.ts';
import { imageSimilaritiesVersion } from './image-similarities.ts';
import { textSimilaritiesVersion } from './text-similarities.ts';
import { matchesVersion } from './synsets.ts';
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

export interface CurationQuery {
  wnid: string;
  textEncoder: string;
  imageEncoder: string | null;
  threshold: number;
  sort: 'text' | 'image' | 'id';
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

const MAX_CACHED_ORDERS = 8;
const orderCache = new WeakMap<Db, Map<string, Float64Array>>();

/** Sample ids of a class in display order: by the sort value (missing values last), then by id, in `order`. */
function orderedIds(db: Db, q: CurationQuery, total: number): Float64Array {
  const key = [q.wnid, q.sort, q.order, q.textEncoder, q.imageEncoder, total, textSimilaritiesVersion(db), imageSimilaritiesVersion(db), matchesVersion(db)].join('\u0000');
  let perDb = orderCache.get(db);
  if (!perDb) orderCache.set(db, (perDb = new Map()));
  const hit = perDb.get(key);
  if (hit) return hit;
  const rows = db
    .prepare(
      `SELECT m.sample_id, t.similarity, x.similarity FROM matches m
       LEFT JOIN text_similarities t ON t.sample_id = m.sample_id AND t.encoder = ? AND t.wnid = m.wnids
       LEFT JOIN image_similarities x ON x.sample_id = m.sample_id AND x.encoder = ?
       WHERE m.wnids = ? AND m.status = 'matched'`,
    )
    .raw()
    .all(q.textEncoder, q.imageEncoder ?? '', q.wnid) as [number, number | null, number | null][];
  const sign = q.order === 'asc' ? 1 : -1;
  const col = q.sort === 'text' ? 1 : q.sort === 'image' ? 2 : 0;
  rows.sort((a, b) => {
    const va = a[col];
    const vb = b[col];
    if (va == null || vb == null) {
      if (va != null) return -1;
      if (vb != null) return 1;
    } else if (va !== vb) return sign * (va - vb);
    return sign * (a[0] - b[0]);
  });
  const ids = Float64Array.from(rows, (r) => r[0]);
  if (perDb.size >= MAX_CACHED_ORDERS) perDb.delete(perDb.keys().next().value!);
  perDb.set(key, ids);
  return ids;
}

export function curationItems(db: Db, q: CurationQuery): { total: number; items: CurationItem[] } {
  const total = (db.prepare(`SELECT COUNT(*) n FROM matches WHERE wnids = ? AND status = 'matched'`).get(q.wnid) as { n: number }).n;
  const page = Array.from(orderedIds(db, q, total).subarray(q.offset, q.offset + q.limit));
  if (!page.length) return { total, items: [] };
  const rows = db
    .prepare(
      `SELECT s.id sampleId, s.caption caption, s.url url, i.thumb_path thumb, t.similarity ts, x.similarity xs,
              d.decision decision, s.image_sha256 IS NOT NULL hasImage, ${excludedSql('s')} excluded,
              (SELECT group_concat(kind, '|') FROM (
                 SELECT 'nsfw_meta' kind WHERE ${nsfwMetaFlagSql('s')} = 1
                 UNION ALL SELECT f.kind FROM flags f WHERE f.sample_id = s.id AND f.flagged = 1 AND f.kind <> 'nsfw_meta')) flags
       FROM samples s
       LEFT JOIN images i ON i.sha256 = s.image_sha256
       LEFT JOIN text_similarities t ON t.sample_id = s.id AND t.encoder = @textEncoder AND t.wnid = @wnid
       LEFT JOIN image_similarities x ON x.sample_id = s.id AND x.encoder = @imageEncoder
       LEFT JOIN decisions d ON d.sample_id = s.id AND d.wnid = @wnid
       WHERE s.id IN (SELECT value FROM json_each(@page))`,
    )
    .all({
      textEncoder: q.textEncoder,
      wnid: q.wnid,
      imageEncoder: q.imageEncoder ?? '',
      page: JSON.stringify(page),
      ...exclusionParams(db),
    }) as {
    sampleId: number;
    caption: string;
    url: string | null;
    thumb: string | null;
    ts: number | null;
    xs: number | null;
    decision: Decision | null;
    hasImage: number;
    excluded: number;
    flags: string | null;
  }[];
  const byId = new Map(rows.map((r) => [r.sampleId, r]));
  const items: CurationItem[] = [];
  for (const id of page) {
    const r = byId.get(id);
    if (!r) continue;
    items.push({
      sampleId: r.sampleId,
      caption: r.caption,
      url: r.url ?? '',
      thumb: r.thumb,
      textSimilarity: r.ts,
      imageSimilarity: r.xs,
      flags: r.flags ? r.flags.split('|') : [],
      decision: r.decision,
      kept: isKept({ textSimilarity: r.ts, hasImage: r.hasImage === 1, flagged: r.excluded === 1, decision: r.decision }, q.threshold),
    });
  }
  return { total, items };
}

/** True when the sample is a matched candidate of the class. */
export function isCandidate(db: Db, sampleId: number, wnid: string): boolean {
  return !!db.prepare(`SELECT 1 FROM matches WHERE sample_id = ? AND wnids = ? AND status = 'matched'`).get(sampleId, wnid);
}
