// One folder's entries for the app's server-side file picker (browser mode cannot open a native dialog on the machine
// running the backend): sub-folders first, then files, each by name, with what `imagenot ingest` would make of a file.
// Only names, kinds and sizes are read; never contents. Entries that cannot be stat'ed (broken links) are left out.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isImageName } from './images.ts';
import { tableFormatOf } from './tables.ts';

export interface DirEntry {
  name: string;
  path: string;
  kind: 'dir' | 'file';
  size: number | null;
  /** What ingest reads it as ('table', 'tar', 'image', 'urls'), or null. */
  ingestAs: 'table' | 'tar' | 'image' | 'urls' | null;
}

function ingestAs(name: string): DirEntry['ingestAs'] {
  if (isImageName(name)) return 'image';
  if (/\.tar$/i.test(name)) return 'tar';
  if (/\.txt$/i.test(name)) return 'urls';
  try {
    tableFormatOf(name);
    return 'table';
  } catch {
    return null;
  }
}

export function listDir(
  dir: string,
  opts: { hidden?: boolean; limit?: number } = {},
): { entries: DirEntry[]; truncated: boolean } {
  const limit = opts.limit ?? 5000;
  const names = readdirSync(dir).filter((n) => opts.hidden || !n.startsWith('.'));
  const entries: DirEntry[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    const kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : null;
    if (!kind) continue;
    entries.push({
      name,
      path,
      kind,
      size: kind === 'file' ? st.size : null,
      ingestAs: kind === 'file' ? ingestAs(name) : null,
    });
  }
  entries.sort((a, b) => (a.kind !== b.kind ? (a.kind === 'dir' ? -1 : 1) : a.name.localeCompare(b.name)));
  return { entries: entries.slice(0, limit), truncated: entries.length > limit };
}
