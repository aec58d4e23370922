// What each path given to `imagenot ingest` is: a metadata table, a tar (webdataset shard), an img2dataset status
// parquet, a folder of images, one image, or something we cannot read (with the reason). Deterministic: the same paths
// always give the same list in the same order, so a resumed ingest job walks them identically.
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { planFolder, type FolderFile, type FolderSample } from './folders.ts';
import { IMAGE_EXTENSIONS, isImageName } from './images.ts';
import { tableFormatOf } from './tables.ts';
import { describeFsError } from './tables/source.ts';

export type IngestInput =
  | { kind: 'table'; path: string }
  /** img2dataset per-shard status parquet: its failed rows become samples with their fetch error. */
  | { kind: 'status'; path: string }
  | { kind: 'tar'; path: string; label: 'webdataset' | 'tar' }
  /** A text file listing image URLs, one per line (img2dataset's `txt` input format). */
  | { kind: 'urls'; path: string }
  | { kind: 'folder'; path: string; samples: FolderSample[]; cocoCaptions: FolderFile[] }
  /** Something that cannot be used. `source`/`item`: an entry of a folder given to ingest (folder path, entry name). */
  | { kind: 'unusable'; path: string; reason: string; source?: string; item?: string };

function isTableName(path: string): boolean {
  try {
    tableFormatOf(path);
    return true;
  } catch {
    return false;
  }
}

function fileOf(path: string): FolderFile {
  return { rel: basename(path), abs: path, size: statSync(path).size };
}

/** One image given directly: a folder input of one sample (with its same-name .txt caption if there is one). */
function singleImage(path: string): IngestInput {
  const dot = path.lastIndexOf('.');
  const txt = path.slice(0, dot) + '.txt';
  const caption = existsSync(txt) && statSync(txt).isFile() ? fileOf(txt) : undefined;
  return { kind: 'folder', path, samples: [{ image: fileOf(path), caption }], cocoCaptions: [] };
}

function hasSiblingImage(txtPath: string): boolean {
  const stem = txtPath.slice(0, -4);
  return [...IMAGE_EXTENSIONS].some(
    (ext) => existsSync(`${stem}.${ext}`) || existsSync(`${stem}.${ext.toUpperCase()}`),
  );
}

/** What a path is; a path that cannot even be looked at is unusable with the reason (permission denied, ...). */
export function classifyInput(given: string): IngestInput[] {
  const path = resolve(given);
  try {
    return classifyPath(path);
  } catch (e) {
    return [{ kind: 'unusable', path, reason: `cannot read: ${describeFsError(e)}` }];
  }
}

function classifyPath(path: string): IngestInput[] {
  if (!existsSync(path)) return [{ kind: 'unusable', path, reason: 'no such file or folder' }];
  const st = statSync(path);
  if (st.isDirectory()) {
    const plan = planFolder(path);
    const out: IngestInput[] = plan.refused.map((r) => ({
      kind: 'unusable',
      path: r.abs,
      reason: r.reason,
      source: path,
      item: r.rel,
    }));
    for (const s of plan.shards) {
      out.push({ kind: 'tar', path: s.tar.abs, label: 'webdataset' });
      if (s.status) out.push({ kind: 'status', path: s.status.abs });
    }
    for (const f of plan.statusFiles) out.push({ kind: 'status', path: f.abs });
    for (const f of plan.tables) out.push({ kind: 'table', path: f.abs });
    if (plan.samples.length) out.push({ kind: 'folder', path, samples: plan.samples, cocoCaptions: plan.cocoCaptions });
    if (out.length === plan.refused.length)
      out.push({
        kind: 'unusable',
        path,
        reason: 'folder holds no images, metadata tables, tar shards or img2dataset output',
      });
    return out;
  }
  if (!st.isFile()) return [{ kind: 'unusable', path, reason: 'not a regular file or folder' }];
  const lower = path.toLowerCase();
  if (lower.endsWith('.tar')) {
    // A shard given alone still brings its status file along, as in a folder.
    const out: IngestInput[] = [{ kind: 'tar', path, label: 'tar' }];
    const status = path.slice(0, -4) + '.parquet';
    if (existsSync(status)) out.push({ kind: 'status', path: status });
    return out;
  }
  if (isTableName(path)) {
    const stem = path.replace(/\.parquet$/i, '');
    const isStatus =
      lower.endsWith('.parquet') && (existsSync(stem + '.tar') || (existsSync(stem) && statSync(stem).isDirectory()));
    return [{ kind: isStatus ? 'status' : 'table', path }];
  }
  if (isImageName(path)) return [singleImage(path)];
  if (/\.txt(\.gz)?$/.test(lower)) {
    // `ingest WS photos/*` passes a.jpg and a.txt: a .txt next to a same-name image is that image's caption.
    if (lower.endsWith('.txt') && hasSiblingImage(path)) return [];
    return [{ kind: 'urls', path }];
  }
  return [
    {
      kind: 'unusable',
      path,
      reason: `unknown input type '${basename(path)}' (expected .parquet/.csv/.tsv/.jsonl[.gz], a .txt list of URLs, .tar, an image, or a folder)`,
    },
  ];
}

/** Every input of an ingest call, in order, with the same file listed once. */
export function classifyInputs(paths: string[]): IngestInput[] {
  const seen = new Set<string>();
  const out: IngestInput[] = [];
  for (const p of paths) {
    for (const input of classifyInput(p)) {
      const id = `${input.kind}:${input.path}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(input);
    }
  }
  return out;
}
