// Walking input folders: plain image folders with same-name `.txt` captions, img2dataset output (webdataset `*.tar`
// shards or the "files" layout `00000/000000000.jpg|.txt|.json`, each with a per-shard `.parquet` status file) and
// COCO caption files (`captions_*.json`). Symbolic links to folders are not followed (no cycles, no escapes); a
// symbolic link to a file outside the folder is refused by name (it would read e.g. /etc/hostname as a caption), as
// tar ingest refuses links; a subfolder that cannot be read is reported and the rest of the folder is used.
import { readdirSync, statSync, readFileSync, createReadStream, realpathSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { isImageName } from './images.ts';
import { describeFsError } from './tables/source.ts';

export interface FolderFile {
  /** Path relative to the folder, with '/' separators. */
  rel: string;
  abs: string;
  size: number;
}

/** An entry of a folder that is not used, and why (a link leaving the folder, a subfolder that cannot be read). */
export interface RefusedEntry {
  rel: string;
  abs: string;
  reason: string;
}

function byRel<T extends { rel: string }>(a: T, b: T): number {
  return a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0;
}

/** True when `target` is `root` or below it (both real paths). */
function inside(root: string, target: string): boolean {
  const r = relative(root, target);
  return !(r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r));
}

/**
 * Every regular file below `root`, sorted by relative path (a stable order for row numbers). Symbolic links to files
 * inside the folder are used; those leading out of it, and subfolders that cannot be read, are listed in `refused`.
 */
export function listFolder(root: string): { files: FolderFile[]; refused: RefusedEntry[] } {
  const files: FolderFile[] = [];
  const refused: RefusedEntry[] = [];
  const realRoot = realpathSync(root);
  const relOf = (abs: string) => relative(root, abs).split(sep).join('/');
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      if (dir === root) throw e;
      refused.push({ rel: relOf(dir), abs: dir, reason: `cannot read this folder: ${describeFsError(e)}` });
      return;
    }
    for (const d of entries) {
      const abs = join(dir, d.name);
      if (d.isDirectory()) walk(abs);
      else if (d.isFile() || d.isSymbolicLink()) {
        let st;
        try {
          st = statSync(abs);
        } catch {
          continue; // dangling link
        }
        if (!st.isFile()) continue;
        if (d.isSymbolicLink()) {
          const target = realpathSync(abs);
          if (!inside(realRoot, target)) {
            refused.push({
              rel: relOf(abs),
              abs,
              reason: `symbolic link to ${target}, outside the folder (refused, never read)`,
            });
            continue;
          }
        }
        files.push({ rel: relOf(abs), abs, size: st.size });
      }
    }
  };
  walk(root);
  files.sort(byRel);
  refused.sort(byRel);
  return { files, refused };
}

/** A sample in a folder: one image and its optional same-name caption and img2dataset `.json` sidecar. */
export interface FolderSample {
  image: FolderFile;
  caption?: FolderFile;
  json?: FolderFile;
}

function stem(rel: string): string {
  const slash = rel.lastIndexOf('/');
  const dot = rel.lastIndexOf('.');
  return dot > slash ? rel.slice(0, dot) : rel;
}

/** Pair images with same-name `.txt` / `.json` files. Files that are neither are left out. */
export function folderSamples(files: FolderFile[]): FolderSample[] {
  const byStem = new Map<string, { caption?: FolderFile; json?: FolderFile }>();
  for (const f of files) {
    const lower = f.rel.toLowerCase();
    if (lower.endsWith('.txt')) (byStem.get(stem(f.rel)) ?? byStem.set(stem(f.rel), {}).get(stem(f.rel))!).caption = f;
    else if (lower.endsWith('.json'))
      (byStem.get(stem(f.rel)) ?? byStem.set(stem(f.rel), {}).get(stem(f.rel))!).json = f;
  }
  const out: FolderSample[] = [];
  for (const f of files) {
    if (!isImageName(f.rel)) continue;
    const side = byStem.get(stem(f.rel));
    out.push({ image: f, caption: side?.caption, json: side?.json });
  }
  return out;
}

/** The layout of a folder given to ingest. */
export interface FolderPlan {
  /** Tar shards (webdataset) and, when present, their status parquet files. */
  shards: { tar: FolderFile; status?: FolderFile }[];
  /** Status parquet files of the "files" layout (`00000.parquet` next to `00000/`). */
  statusFiles: FolderFile[];
  /** Loose images (plain folder or "files" layout). */
  samples: FolderSample[];
  /** COCO caption files found in the folder. */
  cocoCaptions: FolderFile[];
  /** Metadata tables (a folder of LAION parquet parts): every .parquet/.csv/.tsv/.jsonl[.gz] that is not a status file. */
  tables: FolderFile[];
  /** Entries refused: links out of the folder, subfolders that cannot be read. */
  refused: RefusedEntry[];
}

const TABLE_NAME = /\.(parquet|csv|tsv|jsonl|ndjson)(\.gz)?$/i;

export function planFolder(root: string): FolderPlan {
  const { files, refused } = listFolder(root);
  const rels = new Set(files.map((f) => f.rel));
  const dirs = new Set(files.map((f) => f.rel.split('/').slice(0, -1).join('/')).filter(Boolean));
  const shards: FolderPlan['shards'] = [];
  const statusFiles: FolderFile[] = [];
  const tables: FolderFile[] = [];
  const byRel = new Map(files.map((f) => [f.rel, f]));
  for (const f of files) {
    if (f.rel.toLowerCase().endsWith('.tar')) {
      const status = byRel.get(f.rel.slice(0, -4) + '.parquet');
      shards.push({ tar: f, status });
    } else if (
      f.rel.toLowerCase().endsWith('.parquet') &&
      (rels.has(f.rel.slice(0, -8) + '.tar') || dirs.has(f.rel.slice(0, -8)))
    ) {
      // A shard's status file: listed with its tar above, or with its "files" layout folder here.
      if (!rels.has(f.rel.slice(0, -8) + '.tar')) statusFiles.push(f);
    } else if (TABLE_NAME.test(f.rel)) tables.push(f);
  }
  const cocoCaptions = files.filter((f) => /^captions_.*\.json$/i.test(basename(f.rel)));
  const sidecarFree = files.filter((f) => !cocoCaptions.includes(f));
  return { shards, statusFiles, samples: folderSamples(sidecarFree), cocoCaptions, tables, refused };
}

/** Identity of a folder's image set: a hash of its sorted (relative path, size) listing. */
export function folderListingHash(samples: FolderSample[], extra: FolderFile[] = []): string {
  const h = createHash('sha256');
  for (const s of samples) {
    for (const f of [s.image, s.caption, s.json]) if (f) h.update(`${f.rel}\0${f.size}\n`);
  }
  for (const f of extra) h.update(`${f.rel}\0${f.size}\n`);
  return h.digest('hex');
}

/** sha256 of a file's bytes, streamed. */
export async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * COCO caption files (`{images:[{id,file_name}], annotations:[{image_id,caption}]}`) as file basename -> captions in
 * annotation order. Throws with the file name when the JSON is not in that format.
 */
export function readCocoCaptions(path: string): Map<string, string[]> {
  let doc: { images?: { id: number; file_name: string }[]; annotations?: { image_id: number; caption: string }[] };
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(doc.images) || !Array.isArray(doc.annotations)) {
    throw new Error(`${path}: not a COCO captions file (no images[] and annotations[])`);
  }
  const names = new Map<number, string>();
  for (const im of doc.images) names.set(im.id, im.file_name);
  const out = new Map<string, string[]>();
  for (const a of doc.annotations) {
    const name = names.get(a.image_id);
    if (!name || typeof a.caption !== 'string') continue;
    const list = out.get(name) ?? out.set(name, []).get(name)!;
    list.push(a.caption.trim());
  }
  return out;
}
