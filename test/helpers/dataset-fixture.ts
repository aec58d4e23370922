// A small dataset-building workspace built directly (no ingest/match jobs needed): real COCO photos stored as
// content-addressed images through sharp, synsets, samples (several may share one image), matches, text and image
// similarities, via the store modules where they exist and plain inserts for the tables that ingest and matching
// fill (sources, samples, images, synsets, matches).
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Workspace } from '../../native-workers/store/workspace.ts';
import { writeTextSimilarities, setTextFilter } from '../../native-workers/store/text-similarities.ts';
import { writeImageSimilarities } from '../../native-workers/store/image-similarities.ts';
import { setMeta } from '../../native-workers/store/meta.ts';
import { sharedDir } from './workspace.ts';

export const cocoDir = join(sharedDir, 'data', 'coco-mini');

/** The first `n` COCO val2017 photos (sorted by file name). */
export function cocoPhotos(n: number): string[] {
  const dir = join(cocoDir, 'val2017');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, n)
    .map((f) => join(dir, f));
}

/** Store an image file in the workspace as media/<sha256>.<ext> with a thumbnail; returns its sha256. */
export async function storeImage(ws: Workspace, file: string | Buffer, ext = 'jpg'): Promise<string> {
  const bytes = typeof file === 'string' ? readFileSync(file) : file;
  const sha = createHash('sha256').update(bytes).digest('hex');
  const meta = await sharp(bytes).metadata();
  const stored = `media/${sha}.${ext}`;
  const thumb = `media/thumbs/${sha}.jpg`;
  if (typeof file === 'string') copyFileSync(file, ws.resolveInside(stored));
  else await sharp(bytes).toFile(ws.resolveInside(stored));
  await sharp(bytes).resize(128, 128, { fit: 'inside' }).jpeg().toFile(ws.resolveInside(thumb));
  ws.db
    .prepare(
      `INSERT OR IGNORE INTO images (sha256, width, height, format, bytes, stored_path, thumb_path) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(sha, meta.width, meta.height, meta.format, bytes.length, stored, thumb);
  return sha;
}

export function addSynset(ws: Workspace, wnid: string, lemmas: string[], definition = `a test class ${wnid}`): void {
  ws.db
    .prepare(
      `INSERT INTO synsets (wnid, name, lemmas, definition, lexname, depth, eligible) VALUES (?, ?, ?, ?, 'noun.artifact', 5, 1)`,
    )
    .run(wnid, lemmas[0].toLowerCase(), JSON.stringify(lemmas), definition);
}

export function addSource(ws: Workspace, path: string): number {
  return Number(
    ws.db
      .prepare(`INSERT INTO sources (path, kind, content_hash, state) VALUES (?, 'parquet', ?, 'done')`)
      .run(path, `hash-${path}`).lastInsertRowid,
  );
}

export interface FixtureSample {
  row: number;
  caption: string;
  url?: string;
  sha256?: string | null;
  nsfwMeta?: string | null;
  /** Matched class (status 'matched'), or several (ambiguous). */
  wnids?: string[];
  lemma?: string;
  textSimilarity?: number;
  imageSimilarity?: number;
}

export const TEXT_ENCODER = 'glove';
export const IMAGE_ENCODER = 'tiny-clip';

/** Insert samples with their match and similarities; returns their ids in order. */
export function addSamples(ws: Workspace, sourceId: number, samples: FixtureSample[]): number[] {
  const ids: number[] = [];
  const insSample = ws.db.prepare(
    `INSERT INTO samples (source_id, row, url, caption, nsfw_meta, image_sha256, fetch_status) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insMatch = ws.db.prepare(`INSERT INTO matches (sample_id, wnids, lemmas, status) VALUES (?, ?, ?, ?)`);
  ws.db.transaction(() => {
    for (const s of samples) {
      const id = Number(
        insSample.run(
          sourceId,
          s.row,
          s.url ?? `https://example.org/${s.row}.jpg`,
          s.caption,
          s.nsfwMeta ?? null,
          s.sha256 ?? null,
          s.sha256 ? 'ok' : null,
        ).lastInsertRowid,
      );
      ids.push(id);
      if (!s.wnids?.length) continue;
      insMatch.run(id, s.wnids.join('|'), s.lemma ?? '', s.wnids.length === 1 ? 'matched' : 'ambiguous');
      if (s.wnids.length !== 1) continue;
      if (s.textSimilarity != null)
        writeTextSimilarities(ws.db, TEXT_ENCODER, [{ sampleId: id, wnid: s.wnids[0], similarity: s.textSimilarity }]);
      if (s.imageSimilarity != null)
        writeImageSimilarities(ws.db, IMAGE_ENCODER, [{ sampleId: id, similarity: s.imageSimilarity }]);
    }
  })();
  return ids;
}

export function useFilter(ws: Workspace, threshold: number, withImageEncoder = true): void {
  setTextFilter(ws.db, TEXT_ENCODER, threshold);
  if (withImageEncoder) setMeta(ws.db, 'image_encoder', IMAGE_ENCODER);
}
