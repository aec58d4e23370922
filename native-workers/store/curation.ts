// The curation grid's rows: one class's candidates with caption, matched lemmas, thumbnail, both similarities, flags,
// decision and whether (and why) they are kept, optionally narrowed to one of the grid's filters. A class can hold
// 100k candidates and the grid pages through all of them, so the sorted order of a class's sample ids and what the
// kept rule needs about each (similarity, image, excluding flag) is read once (one lean query + a typed-array sort)
// and cached until similarities, flags, images, the matches or the class change; decisions are read per request (one
// indexed query), and a page then reads only its own rows by id. `kept` is the one rule of core/selection/kept.ts, the
// same the class counts (store/threshold-index.ts) and `imagenot select` use; `flags` lists the NSFW metadata flag
// derived from the sample (store/flags.ts) whether or not a job has run.
import { isKept, keptReason, type CandidateFacts, type KeptReason } from '../core/selection/kept.ts';
import { classDecisions, decisionHistory, type Decision, type DecisionEvent } from './decisions.ts';
import { excludedSql, exclusionParams, flagsOf, flagsVersion, nsfwMetaFlagSql, type FlagRow } from './flags.ts';
import { imageSimilaritiesVersion } from './image-similarities.ts';
import { sampleImagesVersion } from './samples.ts';
import { textSimilaritiesVersion } from './text-similarities.ts';
import { matchesVersion } from './synsets.ts';
import type { Db } from './workspace.ts';

export const ITEM_FILTERS = ['all', 'kept', 'dropped', 'near', 'flagged', 'accepted', 'rejected', 'undecided'] as const;
export type ItemFilter = (typeof ITEM_FILTERS)[number];

export interface CurationItem {
  sampleId: number;
  caption: string;
  /** The lemmas the caption matched (matched form, '_' -> ' '). */
  lemmas: string[];
  url: string;
  thumb: string | null;
  textSimilarity: number | null;
  imageSimilarity: number | null;
  flags: string[];
  decision: Decision | null;
  kept: boolean;
  keptReason: KeptReason;
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
  filter?: ItemFilter;
  /** Half-width of the 'near' filter's band around the threshold. */
  band?: number;
}

/** A class's candidates in display order, with what the kept rule needs about each. */
interface ClassRows {
  ids: Float64Array;
  /** NaN = no similarity. */
  text: Float64Array;
  hasImage: Uint8Array;
  excluded: Uint8Array;
}

const MAX_CACHED_ORDERS = 8;
const orderCache = new WeakMap<Db, Map<string, ClassRows>>();

function classRows(db: Db, q: Omit<CurationQuery, 'offset' | 'limit'>, total: number): ClassRows {
  const key = [
    q.wnid,
    q.sort,
    q.order,
    q.textEncoder,
    q.imageEncoder,
    total,
    textSimilaritiesVersion(db),
    imageSimilaritiesVersion(db),
    flagsVersion(db),
    sampleImagesVersion(db),
    matchesVersion(db),
  ].join('\u0000');
  let perDb = orderCache.get(db);
  if (!perDb) orderCache.set(db, (perDb = new Map()));
  const hit = perDb.get(key);
  if (hit) return hit;
  const rows = db
    .prepare(
      `SELECT m.sample_id, t.similarity, x.similarity, s.image_sha256 IS NOT NULL, ${excludedSql('s')}
       FROM matches m JOIN samples s ON s.id = m.sample_id
       LEFT JOIN text_similarities t ON t.sample_id = m.sample_id AND t.encoder = @textEncoder AND t.wnid = m.wnids
       LEFT JOIN image_similarities x ON x.sample_id = m.sample_id AND x.encoder = @imageEncoder
       WHERE m.wnids = @wnid AND m.status = 'matched'`,
    )
    .raw()
    .all({ textEncoder: q.textEncoder, imageEncoder: q.imageEncoder ?? '', wnid: q.wnid, ...exclusionParams(db) }) as [
    number,
    number | null,
    number | null,
    number,
    number,
  ][];
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
  const out: ClassRows = {
    ids: Float64Array.from(rows, (r) => r[0]),
    text: Float64Array.from(rows, (r) => r[1] ?? NaN),
    hasImage: Uint8Array.from(rows, (r) => r[3]),
    excluded: Uint8Array.from(rows, (r) => r[4]),
  };
  if (perDb.size >= MAX_CACHED_ORDERS) perDb.delete(perDb.keys().next().value!);
  perDb.set(key, out);
  return out;
}

/** Whether a candidate passes one of the grid's filters at a threshold (the same predicates classFacets counts). */
export function passesFilter(filter: ItemFilter, c: CandidateFacts, threshold: number, band: number): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'kept':
      return isKept(c, threshold);
    case 'dropped':
      return !isKept(c, threshold);
    case 'near':
      // The same bounds the index's nearCount searches for, so the two agree to the last bit.
      return (
        c.hasImage &&
        !c.flagged &&
        c.textSimilarity != null &&
        c.textSimilarity >= threshold - band &&
        c.textSimilarity <= threshold + band
      );
    case 'flagged':
      return c.flagged;
    case 'accepted':
      return c.decision === 'accept';
    case 'rejected':
      return c.decision === 'reject';
    case 'undecided':
      return c.decision == null;
  }
}

function classSize(db: Db, wnid: string): number {
  return (
    db.prepare(`SELECT COUNT(*) n FROM matches WHERE wnids = ? AND status = 'matched'`).get(wnid) as { n: number }
  ).n;
}

/** Sample ids of a class passing a filter, in display order, and how many candidates the class has. */
export function filteredIds(
  db: Db,
  q: Omit<CurationQuery, 'offset' | 'limit'>,
): { ids: Float64Array; classTotal: number } {
  const classTotal = classSize(db, q.wnid);
  const rows = classRows(db, q, classTotal);
  const filter = q.filter ?? 'all';
  if (filter === 'all') return { ids: rows.ids, classTotal };
  const decisions = classDecisions(db, q.wnid);
  const band = q.band ?? 0;
  const out: number[] = [];
  for (let i = 0; i < rows.ids.length; i++) {
    const facts: CandidateFacts = {
      textSimilarity: Number.isNaN(rows.text[i]) ? null : rows.text[i],
      hasImage: rows.hasImage[i] === 1,
      flagged: rows.excluded[i] === 1,
      decision: decisions.get(rows.ids[i]) ?? null,
    };
    if (passesFilter(filter, facts, q.threshold, band)) out.push(rows.ids[i]);
  }
  return { ids: Float64Array.from(out), classTotal };
}

interface ItemRow {
  sampleId: number;
  caption: string;
  lemmas: string | null;
  url: string | null;
  thumb: string | null;
  ts: number | null;
  xs: number | null;
  decision: Decision | null;
  hasImage: number;
  excluded: number;
  flags: string | null;
}

function readItems(
  db: Db,
  q: Pick<CurationQuery, 'wnid' | 'textEncoder' | 'imageEncoder'>,
  ids: number[],
): Map<number, ItemRow> {
  const rows = db
    .prepare(
      `SELECT s.id sampleId, s.caption caption, m.lemmas lemmas, s.url url, i.thumb_path thumb, t.similarity ts, x.similarity xs,
              d.decision decision, s.image_sha256 IS NOT NULL hasImage, ${excludedSql('s')} excluded,
              (SELECT group_concat(kind, '|') FROM (
                 SELECT 'nsfw_meta' kind WHERE ${nsfwMetaFlagSql('s')} = 1
                 UNION ALL SELECT f.kind FROM flags f WHERE f.sample_id = s.id AND f.flagged = 1 AND f.kind <> 'nsfw_meta')) flags
       FROM samples s
       LEFT JOIN matches m ON m.sample_id = s.id AND m.wnids = @wnid
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
      page: JSON.stringify(ids),
      ...exclusionParams(db),
    }) as ItemRow[];
  return new Map(rows.map((r) => [r.sampleId, r]));
}

function toItem(r: ItemRow, threshold: number): CurationItem {
  const facts: CandidateFacts = {
    textSimilarity: r.ts,
    hasImage: r.hasImage === 1,
    flagged: r.excluded === 1,
    decision: r.decision,
  };
  return {
    sampleId: r.sampleId,
    caption: r.caption,
    lemmas: r.lemmas ? r.lemmas.split('|') : [],
    url: r.url ?? '',
    thumb: r.thumb,
    textSimilarity: r.ts,
    imageSimilarity: r.xs,
    flags: r.flags ? r.flags.split('|') : [],
    decision: r.decision,
    kept: isKept(facts, threshold),
    keptReason: keptReason(facts, threshold),
  };
}

/** One page of a class's candidates passing the filter; `total` counts the filtered ones, `classTotal` all. */
export function curationItems(db: Db, q: CurationQuery): { total: number; classTotal: number; items: CurationItem[] } {
  const { ids, classTotal } = filteredIds(db, q);
  const page = Array.from(ids.subarray(q.offset, q.offset + q.limit));
  if (!page.length) return { total: ids.length, classTotal, items: [] };
  const byId = readItems(db, q, page);
  const items: CurationItem[] = [];
  for (const id of page) {
    const r = byId.get(id);
    if (r) items.push(toItem(r, q.threshold));
  }
  return { total: ids.length, classTotal, items };
}

export interface CurationItemDetail extends CurationItem {
  /** The stored image (full size as ingested or fetched), workspace-relative. */
  image: string | null;
  width: number | null;
  height: number | null;
  source: { path: string; kind: string; row: number };
  nsfwMeta: string | null;
  flagRows: FlagRow[];
  history: DecisionEvent[];
}

/** Everything the expanded view shows about one candidate. */
export function curationItemDetail(
  db: Db,
  q: Pick<CurationQuery, 'wnid' | 'textEncoder' | 'imageEncoder' | 'threshold'>,
  sampleId: number,
): CurationItemDetail | null {
  const r = readItems(db, q, [sampleId]).get(sampleId);
  if (!r) return null;
  const extra = db
    .prepare(
      `SELECT i.stored_path image, i.width, i.height, src.path, src.kind, s.row, s.nsfw_meta nsfwMeta
       FROM samples s JOIN sources src ON src.id = s.source_id LEFT JOIN images i ON i.sha256 = s.image_sha256 WHERE s.id = ?`,
    )
    .get(sampleId) as {
    image: string | null;
    width: number | null;
    height: number | null;
    path: string;
    kind: string;
    row: number;
    nsfwMeta: string | null;
  };
  return {
    ...toItem(r, q.threshold),
    image: extra.image,
    width: extra.width,
    height: extra.height,
    source: { path: extra.path, kind: extra.kind, row: extra.row },
    nsfwMeta: extra.nsfwMeta,
    flagRows: flagsOf(db, sampleId),
    history: decisionHistory(db, sampleId, q.wnid),
  };
}

/** True when the sample is a matched candidate of the class. */
export function isCandidate(db: Db, sampleId: number, wnid: string): boolean {
  return !!db
    .prepare(`SELECT 1 FROM matches WHERE sample_id = ? AND wnids = ? AND status = 'matched'`)
    .get(sampleId, wnid);
}
