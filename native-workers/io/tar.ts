// Reading tar archives (img2dataset webdataset shards, plain tars of images) as a stream, in memory only: entries are
// never written anywhere. Unsafe entries (absolute paths, `..` components, hard/symbolic links, devices) are reported
// and skipped, and so is an entry whose name came before in the archive (extracting it would overwrite the first).
// Webdataset samples are consecutive entries sharing a key (`dir/000123` of `dir/000123.jpg`, `.txt`, ...); a second
// file of the same extension in a sample, or a key that comes back after other samples, is reported, not merged.
import { createReadStream } from 'node:fs';
import { extract } from 'tar-stream';

export type TarItem = { type: 'file'; name: string; data: Buffer } | { type: 'rejected'; name: string; reason: string };

/** Why an entry must not be used, or null when it is a safe regular file. Directories return 'skip'. */
export function unsafeEntryReason(name: string, type: string | null | undefined): string | 'skip' | null {
  const t = type ?? 'file';
  if (
    t === 'directory' ||
    t === 'pax-header' ||
    t === 'pax-global-header' ||
    t === 'gnu-long-path' ||
    t === 'gnu-long-link-path'
  ) {
    return 'skip';
  }
  if (t === 'symlink' || t === 'link')
    return `${t === 'link' ? 'hard link' : 'symbolic link'} entry (links are never followed or extracted)`;
  if (t !== 'file' && t !== 'contiguous-file') return `unsupported entry type '${t}'`;
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.startsWith('\\')) return 'absolute path (refused)';
  const parts = name.split(/[\\/]+/);
  if (parts.includes('..')) return "path with a '..' component (refused)";
  if (name.includes('\0')) return 'path with a NUL byte (refused)';
  return null;
}

/** The name an entry would be extracted to: `./a//b.jpg` and `a/b.jpg` are the same file. */
function extractedName(name: string): string {
  return name
    .split(/\/+/)
    .filter((p) => p !== '.' && p !== '')
    .join('/');
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) {
    // discard
  }
}

/**
 * Stream the entries of a tar file. Regular files come with their bytes (up to maxEntryBytes); everything else that
 * is not a directory comes back as a rejection. A damaged archive throws after the good entries before the damage.
 */
export async function* readTarEntries(path: string, opts: { maxEntryBytes: number }): AsyncGenerator<TarItem> {
  const ex = extract();
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  input.on('error', (err) => ex.destroy(err));
  input.pipe(ex);
  const seen = new Set<string>();
  try {
    for await (const entry of ex) {
      const { name, type, size } = entry.header;
      const problem = unsafeEntryReason(name, type);
      if (problem === 'skip') {
        await drain(entry);
        continue;
      }
      if (problem) {
        await drain(entry);
        yield { type: 'rejected', name, reason: problem };
        continue;
      }
      const extracted = extractedName(name);
      if (seen.has(extracted)) {
        await drain(entry);
        yield {
          type: 'rejected',
          name,
          reason: 'duplicate entry: an earlier entry has this name (the first one is kept)',
        };
        continue;
      }
      seen.add(extracted);
      if (size != null && size > opts.maxEntryBytes) {
        await drain(entry);
        yield { type: 'rejected', name, reason: `entry of ${size} bytes exceeds the ${opts.maxEntryBytes}-byte limit` };
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      yield { type: 'file', name, data: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) };
    }
  } finally {
    input.destroy();
  }
}

/** The webdataset key and extension of an entry name: the basename is split at its first dot. */
export function webdatasetKey(name: string): { key: string; ext: string } {
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  if (dot < 0) return { key: name, ext: '' };
  return { key: name.slice(0, dot), ext: name.slice(dot + 1).toLowerCase() };
}

export interface WebdatasetGroup {
  key: string;
  /** Extension (lowercase, e.g. 'jpg', 'txt', 'json') -> entry name and bytes. */
  files: Map<string, { name: string; data: Buffer }>;
}

export type GroupedItem =
  | { type: 'group'; group: WebdatasetGroup }
  | { type: 'rejected'; name: string; reason: string };

/**
 * Group consecutive entries with the same key into samples (webdataset convention). A second file with the same
 * extension in a sample, or an entry whose key belongs to an earlier, finished sample, is rejected.
 */
export async function* groupWebdataset(items: AsyncIterable<TarItem>): AsyncGenerator<GroupedItem> {
  let current: WebdatasetGroup | undefined;
  const finished = new Set<string>();
  try {
    for await (const item of items) {
      if (item.type === 'rejected') {
        yield item;
        continue;
      }
      const { key, ext } = webdatasetKey(item.name);
      if (current && current.key !== key) {
        finished.add(current.key);
        yield { type: 'group', group: current };
        current = undefined;
      }
      if (finished.has(key)) {
        yield {
          type: 'rejected',
          name: item.name,
          reason: `sample '${key}' came earlier in the archive: its entries must be consecutive (this one is not used)`,
        };
        continue;
      }
      current ??= { key, files: new Map() };
      const other = current.files.get(ext);
      if (other) {
        yield {
          type: 'rejected',
          name: item.name,
          reason: `sample '${key}' already has a .${ext} file (${other.name}, which is kept)`,
        };
        continue;
      }
      current.files.set(ext, { name: item.name, data: item.data });
    }
  } catch (err) {
    // A damaged archive: the last group's entries read intact before the damage still make a sample.
    if (current) yield { type: 'group', group: current };
    throw err;
  }
  if (current) yield { type: 'group', group: current };
}
