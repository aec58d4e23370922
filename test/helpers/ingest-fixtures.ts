// Generated inputs for the ingest and fetch tests: metadata files in every format, webdataset shards with status
// files, img2dataset "files" layout, image folders, and every bad case (truncated/garbage parquet, a CSV without the
// caption column, invalid UTF-8, non-image/zero-byte/truncated JPEGs, a 30000x30000 PNG bomb, a tar escaping with ../).
import { mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, crc32, gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { sharedDir } from './workspace.ts';

export const cocoDir = join(sharedDir, 'data', 'coco-mini');
export const laionParquet = join(sharedDir, 'data', 'laion-sample', 'img2dataset-test_10000.parquet');

/** Real COCO photos (bytes), sorted by name. */
export function cocoPhotos(n: number, split: 'val2017' | 'train2017' = 'val2017'): { name: string; data: Buffer }[] {
  const dir = join(cocoDir, split);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, n)
    .map((name) => ({ name, data: readFileSync(join(dir, name)) }));
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/**
 * A valid PNG of width x height 1-bit grayscale pixels, all black: a real decompression bomb (30000x30000 = 900 Mpx
 * decoded) that is only ~100 KB on disk and cheap to make (rows of zeros compress ~1000:1).
 */
export function pngBomb(width = 30000, height = 30000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  const rowBytes = 1 + Math.ceil(width / 8);
  const raw = Buffer.alloc(rowBytes * height); // filter byte 0 + zero pixels, every row
  const idat = deflateSync(raw, { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface MetaRow {
  URL: string;
  TEXT: string;
  WIDTH: number;
  HEIGHT: number;
  NSFW: string;
  similarity: number;
  punsafe: number;
  LICENSE: string;
}

export function metaRows(n: number, prefix = 'row'): MetaRow[] {
  return Array.from({ length: n }, (_, i) => ({
    URL: `http://example.invalid/${prefix}/${i}.jpg`,
    TEXT: `${prefix} caption ${i} with a dog`,
    WIDTH: 100 + i,
    HEIGHT: 200 + i,
    NSFW: i % 3 === 0 ? 'UNLIKELY' : 'UNSURE',
    similarity: 0.3 + i / 1000,
    punsafe: i / 10000,
    LICENSE: '?',
  }));
}

export function writeParquet(
  path: string,
  rows: MetaRow[],
  opts: { rowGroupSize?: number; indexColumn?: boolean } = {},
): void {
  const columnData = [
    { name: 'URL', data: rows.map((r) => r.URL), type: 'STRING' as const },
    { name: 'TEXT', data: rows.map((r) => r.TEXT), type: 'STRING' as const },
    { name: 'WIDTH', data: rows.map((r) => r.WIDTH), type: 'INT32' as const },
    { name: 'HEIGHT', data: rows.map((r) => r.HEIGHT), type: 'INT32' as const },
    { name: 'NSFW', data: rows.map((r) => r.NSFW), type: 'STRING' as const },
    { name: 'similarity', data: rows.map((r) => r.similarity), type: 'DOUBLE' as const },
    { name: 'punsafe', data: rows.map((r) => r.punsafe), type: 'FLOAT' as const },
    { name: 'LICENSE', data: rows.map((r) => r.LICENSE), type: 'STRING' as const },
  ];
  if (opts.indexColumn)
    columnData.push({ name: '__index_level_0__', data: rows.map((_, i) => BigInt(i)) as any, type: 'INT64' as any });
  writeFileSync(path, Buffer.from(parquetWriteBuffer({ columnData, rowGroupSize: opts.rowGroupSize ?? 10000 })));
}

function delimited(rows: MetaRow[], sep: string): string {
  const cols = Object.keys(rows[0]) as (keyof MetaRow)[];
  const quote = (v: unknown) =>
    sep === ',' && /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
  return [cols.join(sep), ...rows.map((r) => cols.map((c) => quote(r[c])).join(sep))].join('\n') + '\n';
}

export function writeCsv(path: string, rows: MetaRow[]): void {
  writeFileSync(path, delimited(rows, ','));
}
export function writeTsv(path: string, rows: MetaRow[]): void {
  writeFileSync(path, delimited(rows, '\t'));
}
export function writeJsonl(path: string, rows: MetaRow[], gzip = false): void {
  const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  writeFileSync(path, gzip ? gzipSync(text) : text);
}

export interface TarEntry {
  name: string;
  data?: Buffer | string;
  type?: 'file' | 'symlink' | 'link' | 'directory';
  linkname?: string;
}

export async function writeTar(path: string, entries: TarEntry[]): Promise<void> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  for (const e of entries) {
    const data = e.data == null ? undefined : Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data);
    await new Promise<void>((resolve, reject) =>
      p.entry(
        { name: e.name, type: e.type ?? 'file', linkname: e.linkname, size: data?.length ?? 0 },
        data ?? Buffer.alloc(0),
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  p.finalize();
  await ended;
  writeFileSync(path, Buffer.concat(chunks));
}

/** img2dataset webdataset output: shard `00000.tar` (jpg/txt/json per key) and its status `00000.parquet`. */
export async function writeWebdatasetFolder(
  dir: string,
  photos: { name: string; data: Buffer }[],
  failed: number,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const entries: TarEntry[] = [];
  const status: { key: string; url: string; caption: string; status: string; error_message: string | null }[] = [];
  photos.forEach((p, i) => {
    const key = String(i).padStart(9, '0');
    const url = `http://example.invalid/wds/${p.name}`;
    const caption = `webdataset photo ${p.name}`;
    entries.push({ name: `${key}.jpg`, data: p.data });
    entries.push({ name: `${key}.txt`, data: caption });
    entries.push({
      name: `${key}.json`,
      data: JSON.stringify({
        url,
        caption,
        key,
        status: 'success',
        NSFW: 'UNLIKELY',
        similarity: 0.31,
        width: 640,
        height: 480,
      }),
    });
    status.push({ key, url, caption, status: 'success', error_message: null });
  });
  for (let i = 0; i < failed; i++) {
    status.push({
      key: String(photos.length + i).padStart(9, '0'),
      url: `http://example.invalid/wds/failed-${i}.jpg`,
      caption: `failed ${i}`,
      status: 'failed_to_download',
      error_message: i % 2 ? 'HTTP Error 404: Not Found' : 'The read operation timed out',
    });
  }
  await writeTar(join(dir, '00000.tar'), entries);
  writeFileSync(
    join(dir, '00000.parquet'),
    Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'key', data: status.map((s) => s.key), type: 'STRING' },
          { name: 'url', data: status.map((s) => s.url), type: 'STRING' },
          { name: 'caption', data: status.map((s) => s.caption), type: 'STRING' },
          { name: 'status', data: status.map((s) => s.status), type: 'STRING' },
          { name: 'error_message', data: status.map((s) => s.error_message), type: 'STRING' },
        ],
      }),
    ),
  );
  writeFileSync(join(dir, '00000_stats.json'), JSON.stringify({ count: status.length, successes: photos.length }));
}

/** img2dataset "files" layout: `00000/000000000.jpg|.txt|.json` plus `00000.parquet`. */
export function writeFilesLayout(dir: string, photos: { name: string; data: Buffer }[]): void {
  mkdirSync(join(dir, '00000'), { recursive: true });
  photos.forEach((p, i) => {
    const key = String(i).padStart(9, '0');
    writeFileSync(join(dir, '00000', `${key}.jpg`), p.data);
    writeFileSync(join(dir, '00000', `${key}.txt`), `files layout ${p.name}`);
    writeFileSync(
      join(dir, '00000', `${key}.json`),
      JSON.stringify({ url: `http://example.invalid/files/${p.name}`, key, status: 'success', punsafe: 0.01 }),
    );
  });
  writeFileSync(
    join(dir, '00000.parquet'),
    Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'key', data: photos.map((_, i) => String(i).padStart(9, '0')), type: 'STRING' },
          { name: 'url', data: photos.map((p) => `http://example.invalid/files/${p.name}`), type: 'STRING' },
          { name: 'status', data: photos.map(() => 'success'), type: 'STRING' },
          { name: 'error_message', data: photos.map(() => null), type: 'STRING' },
        ],
      }),
    ),
  );
}

/** Every bad input, each in its own file, named so the test can find it in the rejections. */
export async function writeBadInputs(dir: string, goodJpeg: Buffer): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true });
  const good = join(dir, 'meta-good.parquet');
  writeParquet(good, metaRows(50, 'good'));
  const full = readFileSync(good);
  const files: Record<string, string> = {
    truncatedParquet: join(dir, 'truncated.parquet'),
    garbageParquet: join(dir, 'garbage.parquet'),
    csvNoCaption: join(dir, 'no-caption.csv'),
    nonImage: join(dir, 'not-an-image.jpg'),
    zeroByte: join(dir, 'zero-byte.jpg'),
    truncatedJpeg: join(dir, 'truncated.jpg'),
    bomb: join(dir, 'bomb.png'),
    escapingTar: join(dir, 'escape.tar'),
    truncatedTar: join(dir, 'truncated.tar'),
  };
  writeFileSync(files.truncatedParquet, full.subarray(0, Math.floor(full.length / 2)));
  writeFileSync(
    files.garbageParquet,
    Buffer.from('PAR1 this is not really a parquet file, just some garbage bytes PAR1'),
  );
  writeFileSync(files.csvNoCaption, 'URL,title\nhttp://example.invalid/a.jpg,a dog\n');
  writeFileSync(files.nonImage, '<!DOCTYPE html><html><body>404 not found</body></html>');
  writeFileSync(files.zeroByte, Buffer.alloc(0));
  writeFileSync(files.truncatedJpeg, goodJpeg.subarray(0, Math.floor(goodJpeg.length * 0.6)));
  writeFileSync(files.bomb, pngBomb());
  await writeTar(files.escapingTar, [
    { name: '000000000.jpg', data: goodJpeg },
    { name: '000000000.txt', data: 'the safe entry of the escaping tar' },
    { name: '000000000.json', data: '{"url": "http://example.invalid/broken' },
    { name: '../../escaped-by-tar.txt', data: 'must never be written' },
    { name: '/tmp/absolute-by-tar.txt', data: 'must never be written' },
    { name: 'link-out', type: 'symlink', linkname: '/etc/passwd' },
  ]);
  // Cut inside the third image: the two samples before the damage are kept.
  await writeTar(
    files.truncatedTar,
    [0, 1, 2].flatMap((i) => [
      { name: `${i}.jpg`, data: goodJpeg },
      { name: `${i}.txt`, data: `truncated tar ${i}` },
    ]),
  );
  const tar = readFileSync(files.truncatedTar);
  writeFileSync(
    files.truncatedTar,
    tar.subarray(0, 2 * (goodJpeg.length + 1024) + 1024 + Math.floor(goodJpeg.length / 2)),
  );
  return files;
}

/** A CSV whose captions hold invalid UTF-8 bytes (kept, replaced and counted, not rejected). */
export function writeInvalidUtf8Csv(path: string): void {
  const head = Buffer.from('URL,TEXT\n');
  const bad = Buffer.concat([
    Buffer.from('http://example.invalid/u1.jpg,caf'),
    Buffer.from([0xe9]),
    Buffer.from(' au lait\n'),
  ]);
  const bad2 = Buffer.concat([
    Buffer.from('http://example.invalid/u2.jpg,'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('x\n'),
  ]);
  const ok = Buffer.from('http://example.invalid/u3.jpg,caf\u00e9 ok \ufffd real\n', 'utf8');
  writeFileSync(path, Buffer.concat([head, bad, bad2, ok]));
}

// --- tables at real size -----------------------------------------------------------------------------------------

/** One row of a generated metadata table. `caption` null: no caption (an empty cell in csv/tsv, null elsewhere). */
export interface CaptionRow {
  url: string;
  caption: string | null;
}

/**
 * `n` rows with the real LAION sample's captions (`base`, cycled) made hard for a reader, as real alt-text is:
 * commas, quotes (also leading ones), tabs, LF and CRLF line breaks inside captions, non-ASCII, and empty captions.
 */
export function hardCaptionRows(base: string[], n: number): CaptionRow[] {
  const rows: CaptionRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let c = base[i % base.length] ?? '';
    switch (i % 10) {
      case 1:
        c = `${c}, with a comma`;
        break;
      case 2:
        c = `"${c}" — she said "dog", twice`;
        break;
      case 3:
        c = `${c}\nsecond line of the caption`;
        break;
      case 4:
        c = `first line\r\n${c}\r\nthird, "quoted" line`;
        break;
      case 5:
        c = `${c}\tafter a tab`;
        break;
      case 6:
        c = `café ${c} 猫 🐕`;
        break;
      case 7:
        c = `ends with a quote "${c}"`;
        break;
    }
    rows[i] = { url: `http://example.invalid/${i % 97}/${i}.jpg?a=1,b="2"`, caption: i % 1000 === 999 ? null : c };
  }
  return rows;
}

/** A field as pandas writes it (QUOTE_MINIMAL): quoted when it holds the delimiter, a quote or a line break. */
function quoted(v: string, sep: string): string {
  return v.includes(sep) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** csv/tsv text with CRLF record ends; `header` false writes `caption<TAB>url` like CC3M (no header row). */
export function delimitedText(rows: CaptionRow[], sep: ',' | '\t', header = true): string {
  const out: string[] = [];
  if (header) out.push(['URL', 'TEXT', 'WIDTH'].join(sep));
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    out.push(
      header
        ? `${quoted(r.url, sep)}${sep}${quoted(r.caption ?? '', sep)}${sep}${i % 500}`
        : `${quoted(r.caption ?? '', sep)}${sep}${quoted(r.url, sep)}`,
    );
  }
  return out.join('\r\n') + '\r\n';
}

export function jsonlText(rows: CaptionRow[]): string {
  return rows.map((r, i) => JSON.stringify({ URL: r.url, TEXT: r.caption, WIDTH: i % 500 })).join('\n') + '\n';
}

export function captionParquet(rows: CaptionRow[]): Buffer {
  return Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'URL', data: rows.map((r) => r.url), type: 'STRING' },
        { name: 'TEXT', data: rows.map((r) => r.caption), type: 'STRING' },
        { name: 'WIDTH', data: rows.map((_, i) => i % 500), type: 'INT32' },
      ],
      rowGroupSize: 25_000,
    }),
  );
}

/**
 * The same rows in every table format, plain and gzipped: csv, tsv, jsonl, parquet (with a header: URL, TEXT, WIDTH)
 * and header-less tsv (`caption<TAB>url`). Returns name -> path; names ending in `-noheader` need --no-header.
 */
export function writeEveryFormat(dir: string, rows: CaptionRow[]): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const contents: Record<string, string | Buffer> = {
    'rows.csv': delimitedText(rows, ','),
    'rows.tsv': delimitedText(rows, '\t'),
    'rows.jsonl': jsonlText(rows),
    'rows.parquet': captionParquet(rows),
    'rows-noheader.tsv': delimitedText(rows, '\t', false),
  };
  const paths: Record<string, string> = {};
  for (const [name, body] of Object.entries(contents)) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], body);
    paths[`${name}.gz`] = join(dir, `${name}.gz`);
    writeFileSync(paths[`${name}.gz`], gzipSync(body));
  }
  return paths;
}
