// Table formats: whole-process `match --captions` (bench/matching-process.ts bundled: start-up, WordNet, reading,
// matching, writing) on the same 1M LAION captions as CSV, TSV and parquet against JSONL, measured in this run, per
// CPU-second (the machine is shared); and the CSV reader alone (io/tables, URL+TEXT columns) against csv-parse — the
// library it replaced — parsing the same file with the options it had, in this process.
// BENCH_TABLES_ROWS=100000 for a quick look.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { parquetWriteFile } from 'hyparquet-writer';
import { openTable } from '../native-workers/io/tables.ts';
import { loadImagenet1kWnids } from '../native-workers/io/wordnet-files.ts';
import { runStandalone, type BenchLine } from './types.ts';
import { bundleChild, childBundle } from './matching.bench.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const sample = resolve(root, '..', 'shared', 'data', 'laion-sample', 'img2dataset-test_10000.parquet');
const work = join(tmpdir(), 'imagenot-bench-tables');
const ROWS = Number(process.env.BENCH_TABLES_ROWS ?? 1_000_000);

interface ChildReport {
  captions: number;
  matched: number;
  cpuMs: number;
}

async function sampleRows(): Promise<{ URL: string; TEXT: string }[]> {
  const t = await openTable(sample);
  const out: { URL: string; TEXT: string }[] = [];
  for await (const b of t.columnBatches({ columns: ['URL', 'TEXT'] })) {
    for (let i = 0; i < b.length; i++)
      out.push({
        URL: String(b.columns.URL[i]),
        TEXT: typeof b.columns.TEXT[i] === 'string' ? (b.columns.TEXT[i] as string) : '',
      });
  }
  await t.close();
  return out;
}

/** The sample's rows repeated to ROWS, as csv, tsv (pandas quoting), jsonl and parquet; cached between runs. */
async function tables(): Promise<Record<'csv' | 'tsv' | 'jsonl' | 'parquet', string>> {
  const files = { csv: '', tsv: '', jsonl: '', parquet: '' };
  for (const f of Object.keys(files) as (keyof typeof files)[]) files[f] = join(work, `laion-${ROWS}.${f}`);
  if (Object.values(files).every((f) => existsSync(f) && statSync(f).size > 0)) return files;
  mkdirSync(work, { recursive: true });
  const rows = await sampleRows();
  const q = (s: string, sep: string) => (s.includes(sep) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const csv: string[] = ['URL,TEXT'];
  const tsv: string[] = ['URL\tTEXT'];
  const jsonl: string[] = [];
  const url = new Array<string>(ROWS);
  const text = new Array<string>(ROWS);
  for (let i = 0; i < ROWS; i++) {
    const r = rows[i % rows.length];
    url[i] = r.URL;
    text[i] = r.TEXT;
    csv.push(`${q(r.URL, ',')},${q(r.TEXT, ',')}`);
    tsv.push(`${q(r.URL, '\t')}\t${q(r.TEXT, '\t')}`);
    jsonl.push(JSON.stringify({ URL: r.URL, TEXT: r.TEXT }));
  }
  const write = (path: string, body: string) => {
    writeFileSync(path + '.tmp', body);
    renameSync(path + '.tmp', path);
  };
  write(files.csv, csv.join('\n') + '\n');
  write(files.tsv, tsv.join('\n') + '\n');
  write(files.jsonl, jsonl.join('\n') + '\n');
  parquetWriteFile({
    filename: files.parquet + '.tmp',
    columnData: [
      { name: 'URL', data: url, type: 'STRING' },
      { name: 'TEXT', data: text, type: 'STRING' },
    ],
    rowGroupSize: 100_000,
  });
  renameSync(files.parquet + '.tmp', files.parquet);
  return files;
}

/** Captions per CPU-second of the whole `match --captions` process on `file`. */
function wholeProcess(file: string, wnids: string): number {
  const r = spawnSync(process.execPath, [childBundle, file, wnids, join(work, 'out.csv')], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`match process failed on ${file}: ${r.stderr}`);
  const rep = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildReport;
  if (rep.captions !== ROWS) throw new Error(`${file}: ${rep.captions} captions, expected ${ROWS}`);
  return rep.captions / (rep.cpuMs / 1000);
}

function cpuSince(u0: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1e6;
}

/** Rows per CPU-second of io/tables reading URL and TEXT of a csv. */
async function ourReader(file: string): Promise<number> {
  const u0 = process.cpuUsage();
  const t = await openTable(file);
  let n = 0;
  let chars = 0;
  for await (const b of t.columnBatches({ columns: ['URL', 'TEXT'], batchSize: 16384 })) {
    n += b.length;
    for (const v of b.columns.TEXT) chars += (v as string).length;
  }
  await t.close();
  if (n !== ROWS || !chars) throw new Error(`read ${n} rows`);
  return n / cpuSince(u0);
}

/** Rows per CPU-second of csv-parse with the options the reader had before (bom, relaxed quotes, line info). */
async function csvParse(file: string): Promise<number> {
  const u0 = process.cpuUsage();
  const parser = parse({ bom: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, info: true });
  createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }).pipe(parser);
  let n = 0;
  let chars = 0;
  for await (const r of parser as AsyncIterable<{ record: string[] }>) {
    n++;
    chars += r.record[1].length;
  }
  if (n !== ROWS + 1 || !chars) throw new Error(`csv-parse read ${n} records`);
  return ROWS / cpuSince(u0);
}

export async function run(): Promise<BenchLine[]> {
  await bundleChild();
  const files = await tables();
  const wnids = join(work, 'imagenet-1k.txt');
  writeFileSync(wnids, loadImagenet1kWnids().join('\n') + '\n');
  const jsonl = wholeProcess(files.jsonl, wnids);
  const lines: BenchLine[] = [];
  for (const f of ['csv', 'tsv', 'parquet'] as const) {
    const rate = wholeProcess(files[f], wnids);
    lines.push({
      name: `match --captions ${f.toUpperCase()}, ${ROWS} LAION captions, whole process, per CPU-second`,
      value: rate,
      unit: 'captions/s',
      reference: 'the same captions as JSONL',
      referenceValue: jsonl,
      ratio: rate / jsonl,
      goal: f === 'parquet' ? undefined : '>= 1x',
    });
  }
  const ours = await ourReader(files.csv);
  const theirs = await csvParse(files.csv);
  lines.push({
    name: `CSV reader alone (io/tables, URL+TEXT, ${ROWS} rows), per CPU-second`,
    value: ours,
    unit: 'rows/s',
    reference: 'csv-parse, the options the reader had',
    referenceValue: theirs,
    ratio: ours / theirs,
    goal: '>= 2x',
  });
  return lines;
}

await runStandalone(import.meta.url, run);
