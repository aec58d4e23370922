// Tables at real size through the real commands: the same 100,000 rows (the LAION sample's captions with commas,
// quotes, tabs, LF and CRLF line breaks inside, non-ASCII, empty cells; CRLF record ends) as csv, tsv, header-less
// tsv (CC3M's `caption<TAB>url`), jsonl and parquet, each plain and gzipped, through `imagenot ingest` (every row
// stored exactly) and `imagenot match --captions` (every file gives the matches of the original strings).
import { stringify } from 'csv-stringify/sync';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openTable } from '../../native-workers/io/tables.ts';
import { loadWordNetWords, readWnidFile } from '../../native-workers/io/wordnet-files.ts';
import { lemmaSetForWnids } from '../../native-workers/core/matching/lemma-set.ts';
import { CaptionMatcher } from '../../native-workers/core/matching/automaton.ts';
import { matchCaption, joinedMatch } from '../../native-workers/core/matching/result.ts';
import { repoRoot, runCli, spawnCli, tempDir, type CliResult } from '../helpers/workspace.ts';
import { hardCaptionRows, laionParquet, writeEveryFormat, type CaptionRow } from '../helpers/ingest-fixtures.ts';

const N = 100_000;
const dir = tempDir('imagenot-ingest-tables-');
const imagenetWnids = join(repoRoot, 'assets', 'imagenet-1k-wnids.txt');
let rows: CaptionRow[];
let files: Record<string, string>;

before(async () => {
  const t = await openTable(laionParquet);
  const base: string[] = [];
  for await (const b of t.columnBatches({ columns: ['TEXT'] }))
    for (const v of b.columns.TEXT) base.push(typeof v === 'string' ? v : '');
  await t.close();
  rows = hardCaptionRows(base, N);
  files = writeEveryFormat(join(dir.path, 'tables'), rows);
});
after(() => dir.cleanup());

const headerless = (name: string) => name.includes('-noheader');

test('ingest: every format, plain and gzipped, 100k rows each -> every caption and URL stored exactly, exit 0', () => {
  const ws = join(dir.path, 'ws');
  assert.equal(runCli(['init', ws]).code, 0);
  const names = Object.keys(files).sort();
  assert.equal(names.length, 10);
  const withHeader = runCli(['ingest', ws, ...names.filter((n) => !headerless(n)).map((n) => files[n])]);
  assert.equal(withHeader.code, 0, withHeader.stdout + withHeader.stderr);
  const cc3m = runCli([
    'ingest',
    ws,
    '--no-header',
    '--caption-col',
    '1',
    '--url-col',
    '2',
    ...names.filter(headerless).map((n) => files[n]),
  ]);
  assert.equal(cc3m.code, 0, cc3m.stdout + cc3m.stderr);

  const d = new Database(join(ws, 'workspace.db'), { readonly: true });
  try {
    const sources = d
      .prepare(`SELECT id, path, rows, state, no_caption, unpacked_bytes, rejected FROM sources ORDER BY id`)
      .all() as {
      id: number;
      path: string;
      rows: number;
      state: string;
      no_caption: number;
      unpacked_bytes: number | null;
      rejected: number;
    }[];
    assert.equal(sources.length, 10);
    const expectedCaptions = rows.map((r) => r.caption ?? '');
    const nullCaptions = rows.filter((r) => r.caption === null).length;
    const read = d.prepare(`SELECT url, caption, width FROM samples WHERE source_id = ? ORDER BY row`);
    for (const s of sources) {
      const name = s.path.slice(s.path.lastIndexOf('/') + 1);
      assert.deepEqual(
        { rows: s.rows, state: s.state, rejected: s.rejected },
        { rows: N, state: 'done', rejected: 0 },
        name,
      );
      assert.equal(s.no_caption, nullCaptions, `${name}: samples without a caption counted`);
      assert.equal(
        s.unpacked_bytes != null,
        name.endsWith('.gz'),
        `${name}: unpacked bytes counted for gzipped files only`,
      );
      const got = read.all(s.id) as { url: string; caption: string; width: number | null }[];
      assert.equal(got.length, N, name);
      let wrong = 0;
      for (let i = 0; i < N; i++) {
        if (got[i].caption !== expectedCaptions[i] || got[i].url !== rows[i].url) {
          if (wrong++ < 3) assert.fail(`${name} row ${i}: ${JSON.stringify(got[i])} != ${JSON.stringify(rows[i])}`);
        }
      }
      if (!headerless(name)) assert.equal(got[777].width, 777 % 500, `${name}: WIDTH kept`);
    }
  } finally {
    d.close();
  }
});

/** The match lines the captions themselves give (row,wnid,lemmas,status), computed here from the original strings. */
function expectedMatchLines(): string[] {
  const { lemmaSet } = lemmaSetForWnids(loadWordNetWords(), readWnidFile(imagenetWnids));
  const matcher = new CaptionMatcher(lemmaSet);
  const field = (s: string) => stringify([[s]], { record_delimiter: '' });
  const out: string[] = [];
  rows.forEach((r, i) => {
    const m = r.caption === null ? null : matchCaption(matcher, r.caption);
    if (!m) return;
    const j = joinedMatch(m);
    out.push(`${i},${j.wnids},${field(j.lemmas)},${j.status}`);
  });
  return out;
}

/** `imagenot ...args` as a process, awaited (two run side by side: the machine has two cores). */
function cli(args: string[]): Promise<CliResult> {
  const child = spawnCli(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('match --captions: every format gives the matches of the original captions (header-less with --no-header --caption-col 1)', async () => {
  const expected = expectedMatchLines();
  assert.ok(expected.length > 1000, `the captions match synsets (${expected.length})`);
  const names = Object.keys(files).sort();
  const run = (name: string) => {
    const args = [
      'match',
      '--captions',
      files[name],
      '--synsets',
      imagenetWnids,
      '--out',
      join(dir.path, `${name}.matches.csv`),
      '--json',
    ];
    if (headerless(name)) args.push('--no-header', '--caption-col', '1');
    return cli(args);
  };
  const results = new Map<string, CliResult>();
  for (let i = 0; i < names.length; i += 2) {
    const pair = names.slice(i, i + 2);
    (await Promise.all(pair.map(run))).forEach((r, k) => results.set(pair[k], r));
  }
  for (const name of names) {
    const out = join(dir.path, `${name}.matches.csv`);
    const r = results.get(name)!;
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    const summary = JSON.parse(r.stdout) as { captions: number; badRows: number; withoutCaption: number };
    assert.deepEqual(
      [summary.captions, summary.badRows, summary.withoutCaption],
      [N, 0, rows.filter((x) => x.caption === null).length],
      name,
    );
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.equal(lines[0], 'row,wnid,lemmas,status');
    assert.deepEqual(lines.slice(1), expected, name);
  }
});
