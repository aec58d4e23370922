// Job `export`: write a selection as a dataset folder that training code (ours, torchvision, Hugging Face datasets)
// reads directly.
//
// Class index = position of the wnid in sorted order (torchvision's ImageFolder and ImageNet number classes so); the
// selection's ranking is kept as each class's `rank` (1 = highest score).
// Layout of OUT (imagefolder, the default):
//   README.md                        the dataset card (Hugging Face YAML front matter, then classes, sizes, seed,
//                                    threshold, encoders, sources, licence note).
//   dataset.json                     seed, threshold, encoders, rules, counts, versions, and `classes`: the class list
//                                    in class-index order, each {index, wnid, name, rank, lemmas, definition, score,
//                                    kept, train, test}.
//   classes.tsv                      the same classes as a table: index, wnid, name, rank, score, kept, train, test.
//   manifest.parquet                 one row per image: sample_id, split, wnid, class_index, rank, path, url, caption,
//                                    text_similarity, image_similarity, sha256 (rows: train then test, by class index,
//                                    then sample id).
//   train/<wnid>/<sampleId>.jpg      test/<wnid>/<sampleId>.jpg
//   train/metadata.jsonl             test/metadata.jsonl: one line per image of the split, `file_name` relative to the
//                                    split folder, so `load_dataset("imagefolder", data_dir=OUT)` reads labels,
//                                    captions, URLs and similarities with the images.
// With --format webdataset the images go into tar shards instead: train-000000.tar, ... test-000000.tar, each sample
// <sampleId>.jpg + <sampleId>.cls (class index, decimal) + <sampleId>.json; train samples are in a seeded shuffled
// order across shards, test in manifest order; `path` in the manifest is `<shard>#<sampleId>`; no metadata.jsonl
// (each sample's .json carries it).
// Images: EXIF-rotated, sRGB JPEG quality 90; crop 'center' (default) resizes the short side to `size` and
// centre-crops to size×size; crop 'none' only resizes the short side to `size` (aspect kept).
//
// Resumable: images are written in a fixed order (whole files via temp+rename) and the position is committed with the
// job cursor; the metadata files are written after the images and dataset.json last. Same selection + options ->
// identical bytes. An image that cannot be read becomes a rejection and is left out of the files, the manifest and the
// counts (dataset.json counts.skipped); the command then exits 1.
import { z } from 'zod';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineWorker } from '../jobs/worker-context.ts';
import {
  getSelection,
  selectionClasses,
  selectionItems,
  selectionSources,
  type SelectionClassRow,
  type SplitItem,
} from '../store/selection.ts';
import { currentImageEncoder } from '../store/image-similarities.ts';
import { parseLemmaList } from '../store/candidates.ts';
import { exportJpeg } from '../io/dataset/images.ts';
import { imageFolderPath, writeImageFolderItem } from '../io/dataset/imagefolder.ts';
import { shardName, writeShard, type WebDatasetSample } from '../io/dataset/webdataset.ts';
import { writeParquetFile } from '../io/dataset/parquet.ts';
import { writeFileAtomic, writeLinesAtomic } from '../io/dataset/files.ts';
import { datasetCard } from '../io/dataset/card.ts';
import { toolVersions } from '../io/dataset/versions.ts';
import { seededShuffle, subSeed } from '../core/selection/rng.ts';

export const ExportParams = z.object({
  /** Output folder; default exports/selection-<id>-<format>-<size> inside the workspace. */
  out: z.string().min(1).optional(),
  format: z.enum(['imagefolder', 'webdataset']).default('imagefolder'),
  size: z.number().int().min(16).max(4096).default(224),
  crop: z.enum(['center', 'none']).default('center'),
  selectionId: z.number().int().positive().optional(),
  shardSize: z.number().int().min(1).default(1000),
  batch: z.number().int().min(1).default(32),
});
export type ExportParams = z.infer<typeof ExportParams>;

const MARKER = '.imagenot-export.json';
/** Written after the images, dataset.json last. */
const FINAL_FILES = [
  'dataset.json',
  'manifest.parquet',
  'README.md',
  'classes.tsv',
  'train/metadata.jsonl',
  'test/metadata.jsonl',
];

/** Classes in class-index order: sorted by wnid (code units, as Python's and JavaScript's default sorts agree on wnids). */
function byWnid(classes: SelectionClassRow[]): SelectionClassRow[] {
  return classes.slice().sort((a, b) => (a.wnid < b.wnid ? -1 : a.wnid > b.wnid ? 1 : 0));
}

/** One metadata.jsonl line: what Hugging Face's imagefolder loader turns into the image and its columns. */
function metadataLine(e: ExportEntry, names: Map<string, string>): string {
  return JSON.stringify({
    file_name: e.path.slice(e.split.length + 1),
    label: e.classIndex,
    wnid: e.wnid,
    class_name: names.get(e.wnid) ?? e.wnid,
    rank: e.rank,
    caption: e.caption,
    url: e.url,
    text_similarity: e.textSimilarity,
    image_similarity: e.imageSimilarity,
    sample_id: e.sampleId,
    sha256: e.sha256,
  });
}

const tsvField = (v: unknown) => (v == null ? '' : String(v).replace(/[\t\r\n]+/g, ' '));

interface ExportCursor {
  next: number;
  selectionId: number;
  out: string;
  /** Samples whose image could not be read (recorded as rejections, left out of the files and the manifest). */
  skipped: number[];
  /** 'wnid': `next` counts in sorted-wnid class order. A cursor without it (ranked order) restarts from the first image. */
  classOrder?: 'wnid';
}

interface ExportEntry extends SplitItem {
  classIndex: number;
  rank: number;
  /** File path in OUT (imagefolder) or `<shard>#<key>` (webdataset). */
  path: string;
}

/** Refuse to mix an export into a folder holding something else; a repeat of the same export may overwrite. */
function claimOutputFolder(out: string, identity: Record<string, unknown>): void {
  if (existsSync(out) && readdirSync(out).length > 0) {
    const marker = join(out, MARKER);
    const same = existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(identity);
    if (!same) throw new Error(`${out} is not empty and does not hold this export; choose a new or empty folder`);
  }
  writeFileAtomic(join(out, MARKER), JSON.stringify(identity));
  // dataset.json marks a complete export (training picks the newest folder that has one): a repeat starts without it.
  for (const f of FINAL_FILES) rmSync(join(out, f), { force: true });
}

/** Item order and file names: train before test, class index, sample id; webdataset train shuffled by the seed. */
function planEntries(items: SplitItem[], classes: SelectionClassRow[], p: ExportParams, seed: number): ExportEntry[] {
  const classIndex = new Map(classes.map((c, i) => [c.wnid, i]));
  const rank = new Map(classes.map((c) => [c.wnid, c.rank]));
  const withIndex = items
    .map((it) => ({ ...it, classIndex: classIndex.get(it.wnid)!, rank: rank.get(it.wnid)!, path: '' }))
    .sort((a, b) =>
      a.split !== b.split ? (a.split === 'train' ? -1 : 1) : a.classIndex - b.classIndex || a.sampleId - b.sampleId,
    );
  if (p.format === 'imagefolder') {
    for (const e of withIndex) e.path = imageFolderPath(e.split, e.wnid, e.sampleId);
    return withIndex;
  }
  const train = seededShuffle(
    withIndex.filter((e) => e.split === 'train'),
    subSeed(seed, 'webdataset-train'),
  );
  const test = withIndex.filter((e) => e.split === 'test');
  for (const list of [train, test])
    list.forEach((e, i) => (e.path = `${shardName(e.split, Math.floor(i / p.shardSize))}#${e.sampleId}`));
  return [...train, ...test];
}

export default defineWorker({
  kind: 'export',
  params: ExportParams,
  async run(ctx, p) {
    const db = ctx.ws.db;
    const resumed = ctx.cursor as ExportCursor | null;
    const selection = getSelection(db, resumed?.selectionId ?? p.selectionId);
    if (!selection)
      throw new Error(
        p.selectionId ? `no selection ${p.selectionId}` : 'no selection yet: run `imagenot select WS` first',
      );
    const imageEncoder = (selection.params.imageEncoder as string | null | undefined) ?? currentImageEncoder(db);
    const out =
      resumed?.out ??
      (p.out ? resolve(p.out) : join(ctx.ws.paths.exports, `selection-${selection.id}-${p.format}-${p.size}`));
    const classes = byWnid(selectionClasses(db, selection.id));
    if (!classes.length) {
      throw new Error(
        `selection ${selection.id} has no classes (no class had enough kept images); select again with a lower threshold or fewer --train/--test images`,
      );
    }
    const identity = {
      selectionId: selection.id,
      format: p.format,
      size: p.size,
      crop: p.crop,
      shardSize: p.format === 'webdataset' ? p.shardSize : null,
    };
    if (!resumed) claimOutputFolder(out, identity);

    const entries = planEntries(
      selectionItems(db, selection.id, { textEncoder: selection.encoder, imageEncoder }),
      classes,
      p,
      selection.seed,
    );
    const total = entries.length;
    let next = resumed?.classOrder === 'wnid' ? resumed.next : 0;
    const skipped = new Set(resumed?.classOrder === 'wnid' ? resumed.skipped : []);
    const step = p.format === 'webdataset' ? p.shardSize : p.batch;
    ctx.progress(next, total, `exporting to ${out}`);
    while (next < total) {
      // A webdataset shard never mixes splits: stop a chunk where the split changes.
      let end = Math.min(total, next + step);
      const split = entries[next].split;
      for (let i = next; i < end; i++) if (entries[i].split !== split) end = i;
      const chunk = entries.slice(next, end);
      const written: ExportEntry[] = [];
      const jpegs: Buffer[] = [];
      for (const e of chunk) {
        try {
          jpegs.push(await exportJpeg(ctx.ws.resolveInside(e.storedPath), p.size, p.crop));
          written.push(e);
        } catch (err) {
          ctx.reject(
            'export',
            `sample ${e.sampleId} (image ${e.storedPath})`,
            `cannot export: ${(err as Error).message}`,
          );
          skipped.add(e.sampleId);
        }
        ctx.throwIfCancelled();
      }
      if (p.format === 'imagefolder') {
        written.forEach((e, i) => writeImageFolderItem(out, e.path, jpegs[i]));
      } else if (written.length) {
        const samples: WebDatasetSample[] = written.map((e, i) => ({
          key: String(e.sampleId),
          jpeg: jpegs[i],
          classIndex: e.classIndex,
          json: {
            sample_id: e.sampleId,
            wnid: e.wnid,
            split: e.split,
            class_index: e.classIndex,
            rank: e.rank,
            url: e.url,
            caption: e.caption,
            text_similarity: e.textSimilarity,
            image_similarity: e.imageSimilarity,
            sha256: e.sha256,
          },
        }));
        await writeShard(out, chunk[0].path.split('#')[0], samples);
      }
      next = end;
      ctx.commit({
        next,
        selectionId: selection.id,
        out,
        skipped: [...skipped],
        classOrder: 'wnid',
      } satisfies ExportCursor);
      ctx.progress(next, total, `${next} of ${total} images`);
    }

    const exported = entries.filter((e) => !skipped.has(e.sampleId));
    if (skipped.size)
      ctx.log(`${skipped.size} image(s) could not be exported and are left out (see the rejections)`, 'warn');
    const manifestOrder = exported
      .slice()
      .sort((a, b) =>
        a.split !== b.split ? (a.split === 'train' ? -1 : 1) : a.classIndex - b.classIndex || a.sampleId - b.sampleId,
      );
    writeParquetFile(join(out, 'manifest.parquet'), [
      { name: 'sample_id', type: 'INT64', data: manifestOrder.map((e) => e.sampleId) },
      { name: 'split', type: 'STRING', data: manifestOrder.map((e) => e.split) },
      { name: 'wnid', type: 'STRING', data: manifestOrder.map((e) => e.wnid) },
      { name: 'class_index', type: 'INT32', data: manifestOrder.map((e) => e.classIndex) },
      { name: 'rank', type: 'INT32', data: manifestOrder.map((e) => e.rank) },
      { name: 'path', type: 'STRING', data: manifestOrder.map((e) => e.path) },
      { name: 'url', type: 'STRING', data: manifestOrder.map((e) => e.url) },
      { name: 'caption', type: 'STRING', data: manifestOrder.map((e) => e.caption) },
      { name: 'text_similarity', type: 'DOUBLE', data: manifestOrder.map((e) => e.textSimilarity) },
      { name: 'image_similarity', type: 'DOUBLE', data: manifestOrder.map((e) => e.imageSimilarity) },
      { name: 'sha256', type: 'STRING', data: manifestOrder.map((e) => e.sha256) },
    ]);
    const inSplit = (split: string, wnid?: string) =>
      exported.filter((e) => e.split === split && (wnid == null || e.wnid === wnid));
    const counts = {
      classes: classes.length,
      train: inSplit('train').length,
      test: inSplit('test').length,
      skipped: skipped.size,
    };
    const classRows = classes.map((c, index) => ({
      index,
      ...c,
      train: inSplit('train', c.wnid).length,
      test: inSplit('test', c.wnid).length,
    }));
    if (p.format === 'imagefolder') {
      const names = new Map(classes.map((c) => [c.wnid, c.name]));
      for (const split of ['train', 'test']) {
        writeLinesAtomic(
          join(out, split, 'metadata.jsonl'),
          manifestOrder.filter((e) => e.split === split).map((e) => metadataLine(e, names)),
        );
      }
    }
    writeLinesAtomic(join(out, 'classes.tsv'), [
      ['index', 'wnid', 'name', 'rank', 'score', 'kept', 'train', 'test'].join('\t'),
      ...classRows.map((c) =>
        [c.index, c.wnid, c.name, c.rank, c.score, c.kept, c.train, c.test].map(tsvField).join('\t'),
      ),
    ]);
    writeFileAtomic(
      join(out, 'README.md'),
      datasetCard({
        layout: p.format,
        selectionId: selection.id,
        seed: selection.seed,
        threshold: selection.threshold,
        textEncoder: selection.encoder,
        imageEncoder,
        scoreMode: (selection.params.scoreMode as string | undefined) ?? null,
        image: { size: p.size, crop: p.crop },
        counts,
        classes: classRows,
        sources: selectionSources(db, selection.id),
      }),
    );
    const shardsOf = (split: string) => [...new Set(inSplit(split).map((e) => e.path.split('#')[0]))];
    const shards = p.format === 'webdataset' ? { train: shardsOf('train'), test: shardsOf('test') } : undefined;
    const dataset = {
      format: 'imagenot-dataset',
      version: 2,
      layout: p.format,
      image: { size: p.size, crop: p.crop, encoding: 'jpeg', quality: 90 },
      selectionId: selection.id,
      seed: selection.seed,
      threshold: selection.threshold,
      textEncoder: selection.encoder,
      imageEncoder,
      scoreMode: selection.params.scoreMode ?? null,
      rules: {
        kept: 'matched candidate, text similarity > threshold, not flagged, has an image; manual accept/reject override',
        excludeFlags: selection.params.excludeFlags ?? null,
        flagsApplied: selection.params.flagsApplied ?? null,
        nsfwMetaAllowed: selection.params.nsfwMetaAllowed ?? null,
        duplicates: 'one image (sha256) per class; an image is never in both train and test',
        trainPerClass: selection.params.train ?? null,
        testPerClass: selection.params.test ?? null,
        classes: selection.params.classes ?? null,
      },
      counts,
      versions: { ...toolVersions(), schema: db.pragma('user_version', { simple: true }) as number },
      ...(shards ? { shards } : {}),
      classOrder: 'wnid',
      classes: classRows.map((c) => ({
        index: c.index,
        wnid: c.wnid,
        name: c.name,
        rank: c.rank,
        lemmas: parseLemmaList(c.lemmas),
        definition: c.definition,
        score: c.score,
        kept: c.kept,
        train: c.train,
        test: c.test,
      })),
    };
    writeFileAtomic(join(out, 'dataset.json'), JSON.stringify(dataset, null, 2) + '\n');
    return { out, selectionId: selection.id, format: p.format, size: p.size, ...counts };
  },
});
