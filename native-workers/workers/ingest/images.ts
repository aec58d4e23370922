// Ingesting images: webdataset/plain tar shards and image folders (plain, img2dataset "files" layout, COCO). Each
// image is one sample (row = its index in the shard or the sorted folder listing), with the caption from its `.txt`
// sidecar, a COCO captions file or its img2dataset `.json`. Images are checked, stored content-addressed with a
// thumbnail; bad ones are rejected by entry/file name and the rest go on.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { WorkerContext } from '../../jobs/worker-context.ts';
import { groupWebdataset, readTarEntries, type WebdatasetGroup } from '../../io/tar.ts';
import {
  fileSha256,
  folderListingHash,
  readCocoCaptions,
  type FolderFile,
  type FolderSample,
} from '../../io/folders.ts';
import { ImageRejected, IMAGE_EXTENSIONS } from '../../io/images.ts';
import { decodeCaption, wellFormed } from '../../io/text.ts';
import { describeFsError } from '../../io/tables/source.ts';
import type { ImageRow } from '../../store/images.ts';
import { advanceSource, countSourceRejections, finishSource, openSource, type SourceRow } from '../../store/sources.ts';
import { insertSamples, type NewSample } from '../../store/samples.ts';
import {
  alreadyIngested,
  emptyReport,
  findColumn,
  insertImages,
  KNOWN_FIELDS,
  orderedMap,
  rejectedInput,
  rejectItem,
  storeWorkspaceImage,
  toFloat,
  toText,
  type IngestOptions,
  type InputReport,
} from './common.ts';

/** Images decoded at once (sharp runs them on its threads; the machine has few cores). */
const PARALLEL_DECODES = 2;
/** Commit after this many images or this long, whichever first. */
const BATCH_IMAGES = 64;
const BATCH_MS = 1000;
const MAX_TAR_ENTRY_BYTES = 256 * 1024 * 1024;

/** One image sample before it is decoded: where its bytes come from and what we know about it. */
interface PendingImage {
  row: number;
  /** Entry or file name used in rejections. */
  item: string;
  data: () => Promise<Buffer>;
  caption: string;
  replaced: number;
  /** img2dataset `.json` metadata, or null. */
  meta: Record<string, unknown> | null;
  extra: Record<string, unknown>;
}

/** Fields of img2dataset's per-sample `.json` that are not worth repeating in `extra`. */
const JSON_SKIP = new Set([
  'url',
  'caption',
  'status',
  'error_message',
  'exif',
  'sha256',
  'key',
  'width',
  'height',
  'original_width',
  'original_height',
]);

function metaField(meta: Record<string, unknown> | null, name: string): unknown {
  if (!meta) return undefined;
  const key = findColumn(Object.keys(meta), name);
  return key ? meta[key] : undefined;
}

function toSample(sourceId: number, p: PendingImage, image: ImageRow): NewSample {
  const extra = { ...p.extra };
  if (p.meta)
    for (const [k, v] of Object.entries(p.meta))
      if (!JSON_SKIP.has(k) && findColumn(Object.values(KNOWN_FIELDS), k) == null && v != null) extra[k] = v;
  return {
    sourceId,
    row: p.row,
    url: toText(metaField(p.meta, 'url')) || null,
    caption: p.caption,
    width: image.width,
    height: image.height,
    nsfwMeta: toText(metaField(p.meta, KNOWN_FIELDS.nsfw)),
    laionSimilarity: toFloat(metaField(p.meta, KNOWN_FIELDS.similarity)),
    punsafe: toFloat(metaField(p.meta, KNOWN_FIELDS.punsafe)),
    extra: Object.keys(extra).length ? JSON.stringify(extra) : null,
    imageSha256: image.sha256,
  };
}

/** An img2dataset `.json` sidecar as an object; a broken one is rejected by name and the image kept without it. */
function sidecarMeta(
  ctx: WorkerContext,
  input: string,
  name: string,
  text: string,
  report: InputReport,
): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
  } catch (err) {
    rejectItem(ctx, input, name, `invalid JSON metadata (${(err as Error).message}); the image is kept without it`);
    report.rejected++;
    return null;
  }
}

/**
 * Decode/store the pending images in order, committing samples + images + the source's resume point in batches.
 * Rejected images are recorded by name.
 */
async function storeAll(
  ctx: WorkerContext,
  source: SourceRow,
  input: string,
  pending: AsyncIterable<PendingImage>,
  opts: IngestOptions,
  report: InputReport,
  onRows: (n: number) => void,
): Promise<void> {
  let samples: NewSample[] = [];
  let images: ImageRow[] = [];
  let replaced = 0;
  let newlyRejected = 0;
  let handled = 0;
  let last = Date.now();
  let nextRow = source.nextRow;
  const flush = () => {
    const batch = { samples, images, replaced, newlyRejected, nextRow };
    const added = ctx.commit({ source: source.id, next: batch.nextRow }, () => {
      insertImages(ctx.ws, batch.images);
      const n = insertSamples(ctx.ws.db, batch.samples);
      advanceSource(ctx.ws.db, source.id, batch.nextRow, {
        replacedUtf8: batch.replaced,
        rejected: batch.newlyRejected,
      });
      return n;
    })!;
    report.samples += added;
    report.replacedUtf8 += batch.replaced;
    onRows(handled);
    samples = [];
    images = [];
    replaced = 0;
    newlyRejected = 0;
    handled = 0;
    last = Date.now();
    ctx.progress(nextRow, null, `${basename(input)}: ${nextRow} images`);
  };
  const decode = async (p: PendingImage) => {
    let data: Buffer;
    try {
      data = await p.data();
    } catch (err) {
      throw new ImageRejected('corrupt', `cannot read: ${describeFsError(err)}`);
    }
    // Anything else thrown here (a full disk, a broken workspace) fails the job rather than rejecting good inputs.
    return storeWorkspaceImage(ctx.ws, data, opts.image);
  };
  try {
    await storeEach();
  } catch (err) {
    flush(); // what was read before the failure is kept
    throw err;
  }
  flush();

  async function storeEach() {
    for await (const { item: p, result } of orderedMap(pending, decode, PARALLEL_DECODES)) {
      if (result.status === 'fulfilled') {
        images.push(result.value);
        samples.push(toSample(source.id, p, result.value));
        replaced += p.replaced;
      } else {
        const err = result.reason;
        if (!(err instanceof ImageRejected)) throw err;
        if (rejectItem(ctx, input, p.item, err.message)) newlyRejected++;
        report.rejected++;
      }
      nextRow = p.row + 1;
      handled++;
      if (handled >= BATCH_IMAGES || Date.now() - last >= BATCH_MS) flush();
    }
  }
}

// --- tar shards ------------------------------------------------------------------------------------------------

/** The archive itself could not be read further (truncated, corrupt header). */
class TarDamaged extends Error {}

function imageOf(group: WebdatasetGroup): { name: string; data: Buffer } | undefined {
  for (const [ext, f] of group.files) if (IMAGE_EXTENSIONS.has(ext.split('.').pop()!)) return f;
  return undefined;
}

export async function ingestTar(
  ctx: WorkerContext,
  path: string,
  label: string,
  opts: IngestOptions,
  onRows: (n: number) => void,
): Promise<InputReport> {
  const report = emptyReport(path, label);
  if (statSync(path).size === 0) return rejectedInput(ctx, path, label, 'empty file (0 bytes), not a tar archive');
  const hash = await fileSha256(path);
  const done = alreadyIngested(ctx, path, label, hash);
  if (done) return done;
  const source = openSource(ctx.ws.db, { path, kind: label, contentHash: hash });
  report.sourceId = source.id;
  if (source.nextRow > 0) ctx.log(`${path}: resuming at sample ${source.nextRow}`);
  let lastEntry: string | null = null;
  let groupIndex = 0;
  let error: string | null = null;

  async function* pendingImages(): AsyncGenerator<PendingImage> {
    const groups = groupWebdataset(readTarEntries(path, { maxEntryBytes: MAX_TAR_ENTRY_BYTES }))[
      Symbol.asyncIterator
    ]();
    for (;;) {
      let next: IteratorResult<Awaited<ReturnType<typeof groups.next>>['value']>;
      try {
        next = await groups.next();
      } catch (err) {
        throw new TarDamaged((err as Error).message);
      }
      if (next.done) break;
      const g = next.value;
      if (g.type === 'rejected') {
        if (rejectItem(ctx, path, g.name, g.reason)) countSourceRejections(ctx.ws.db, source.id, 1);
        report.rejected++;
        continue;
      }
      const group = g.group;
      const image = imageOf(group);
      lastEntry = [...group.files.values()].pop()!.name;
      if (!image) continue; // a caption or metadata without an image: not a sample
      const row = groupIndex++;
      if (row < source.nextRow) continue;
      const txt = group.files.get('txt');
      const json = group.files.get('json');
      const meta = json ? sidecarMeta(ctx, path, json.name, json.data.toString('utf8'), report) : null;
      let caption = '';
      let replaced = 0;
      if (txt) ({ text: caption, replaced } = decodeCaption(txt.data));
      else if (meta && typeof meta.caption === 'string') ({ text: caption, replaced } = wellFormed(meta.caption));
      yield { row, item: image.name, data: async () => image.data, caption, replaced, meta, extra: { key: group.key } };
    }
  }

  try {
    await storeAll(ctx, source, path, pendingImages(), opts, report, onRows);
  } catch (err) {
    if (!(err instanceof TarDamaged)) throw err;
    // A damaged archive: the samples before the damage are kept.
    error = `damaged tar: ${err.message}`;
    rejectItem(ctx, path, lastEntry ? `after entry ${lastEntry}` : 'file', error);
    report.rejected++;
    report.error = error;
  }
  const rows = Math.max(groupIndex, source.nextRow);
  if (rows === 0 && !error) ctx.log(`${path}: the archive holds no images`, 'warn');
  finishSource(ctx.ws.db, source.id, rows, error);
  report.rows = rows;
  return report;
}

// --- folders ---------------------------------------------------------------------------------------------------

function cocoCaptionIndex(
  ctx: WorkerContext,
  input: string,
  files: FolderFile[],
  report: InputReport,
): Map<string, string[]> {
  const all = new Map<string, string[]>();
  for (const f of files) {
    try {
      for (const [name, captions] of readCocoCaptions(f.abs)) all.set(name, [...(all.get(name) ?? []), ...captions]);
    } catch (err) {
      rejectItem(ctx, input, f.rel, (err as Error).message.replace(`${f.abs}: `, ''));
      report.rejected++;
    }
  }
  return all;
}

export async function ingestFolder(
  ctx: WorkerContext,
  path: string,
  list: FolderSample[],
  cocoFiles: FolderFile[],
  opts: IngestOptions,
  onRows: (n: number) => void,
): Promise<InputReport> {
  // One image given directly is identified by its bytes; a folder by its listing (names and sizes).
  const single = list.length === 1 && list[0].image.abs === path;
  const kind = single ? 'image' : 'folder';
  const report = emptyReport(path, kind);
  const hash = single ? `image:${await fileSha256(path)}` : `folder:${folderListingHash(list, cocoFiles)}`;
  const done = alreadyIngested(ctx, path, kind, hash);
  if (done) return done;
  const source = openSource(ctx.ws.db, { path, kind, contentHash: hash, rows: list.length });
  report.sourceId = source.id;
  if (source.nextRow > 0) ctx.log(`${path}: resuming at image ${source.nextRow} of ${list.length}`);
  const coco = cocoCaptionIndex(ctx, path, cocoFiles, report);
  if (coco.size)
    ctx.log(`${path}: COCO captions for ${coco.size} image(s) from ${cocoFiles.map((f) => f.rel).join(', ')}`);

  /** A `.txt`/`.json` sidecar's bytes; one that cannot be read is rejected by name and the image kept without it. */
  async function readSidecar(f: FolderFile): Promise<Buffer | null> {
    try {
      return await readFile(f.abs);
    } catch (err) {
      if (rejectItem(ctx, path, f.rel, `cannot read: ${describeFsError(err)}; the image is kept without it`))
        countSourceRejections(ctx.ws.db, source.id, 1);
      report.rejected++;
      return null;
    }
  }

  async function* pendingImages(): AsyncGenerator<PendingImage> {
    for (let row = source.nextRow; row < list.length; row++) {
      const s = list[row];
      let caption = '';
      let replaced = 0;
      const extra: Record<string, unknown> = { file: s.image.rel };
      const json = s.json && (await readSidecar(s.json));
      const meta = s.json && json ? sidecarMeta(ctx, path, s.json.rel, json.toString('utf8'), report) : null;
      const cocoCaptions = coco.get(basename(s.image.rel));
      const txt = s.caption && (await readSidecar(s.caption));
      if (txt) ({ text: caption, replaced } = decodeCaption(txt));
      else if (cocoCaptions?.length) {
        caption = cocoCaptions[0];
        extra.captions = cocoCaptions;
      } else if (meta && typeof meta.caption === 'string') ({ text: caption, replaced } = wellFormed(meta.caption));
      yield { row, item: s.image.rel, data: () => readFile(s.image.abs), caption, replaced, meta, extra };
    }
  }

  await storeAll(ctx, source, path, pendingImages(), opts, report, onRows);
  finishSource(ctx.ws.db, source.id, list.length);
  report.rows = list.length;
  return report;
}
