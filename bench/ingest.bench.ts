// Ingest speed: rows/s of the real `ingest` job on the 10k LAION sample replicated to 1M rows, against DuckDB reading
// the same file in the same run; and images/s of decode + check + store + thumbnail on the COCO photos.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { DuckDBInstance } from '@duckdb/node-api';
import sharp from 'sharp';
import { openWorkspace } from '../native-workers/store/workspace.ts';
import { createJob } from '../native-workers/store/jobs.ts';
import { createWorkerContext } from '../native-workers/jobs/worker-context.ts';
import ingest, { type IngestResult } from '../native-workers/workers/ingest.ts';
import { openTable } from '../native-workers/io/tables.ts';
import { DEFAULT_IMAGE_OPTIONS, storeImage } from '../native-workers/io/images.ts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fetchWorker, { type FetchJobResult } from '../native-workers/workers/fetch.ts';
import { openSource } from '../native-workers/store/sources.ts';
import { insertSamples } from '../native-workers/store/samples.ts';
import { runStandalone, type BenchLine } from './types.ts';

const shared = resolve(fileURLToPath(new URL('..', import.meta.url)), '..', 'shared');
const sample = join(shared, 'data', 'laion-sample', 'img2dataset-test_10000.parquet');
const cocoVal = join(shared, 'data', 'coco-mini', 'val2017');
const work = join(tmpdir(), 'imagenot-bench-ingest');
/** 100 copies = 1M rows (BENCH_INGEST_REPLICAS=2 for a quick look). */
const REPLICAS = Number(process.env.BENCH_INGEST_REPLICAS ?? 100);

/** The real sample's rows repeated REPLICAS times (same schema: URL, TEXT, pandas index), cached between runs. */
async function replicatedParquet(): Promise<string> {
  const path = join(work, `laion-x${REPLICAS}.parquet`);
  if (existsSync(path) && statSync(path).size > 0) return path;
  mkdirSync(work, { recursive: true });
  const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(sample), columns: ['URL', 'TEXT'] })) as {
    URL: string;
    TEXT: string;
  }[];
  const n = rows.length * REPLICAS;
  const url = new Array<string>(n);
  const text = new Array<string>(n);
  const index = new BigInt64Array(n);
  for (let r = 0; r < REPLICAS; r++) {
    for (let i = 0; i < rows.length; i++) {
      const k = r * rows.length + i;
      url[k] = rows[i].URL;
      text[k] = rows[i].TEXT;
      index[k] = BigInt(k);
    }
  }
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'URL', data: url, type: 'STRING' },
      { name: 'TEXT', data: text, type: 'STRING' },
      { name: '__index_level_0__', data: index, type: 'INT64' },
    ],
    rowGroupSize: 100_000,
  });
  writeFileSync(path + '.tmp', Buffer.from(buf));
  rmSync(path, { force: true });
  writeFileSync(path, readFileSync(path + '.tmp'));
  rmSync(path + '.tmp');
  return path;
}

/** The ingest job's own code on a fresh workspace, in this process (no process start-up in the figure). */
async function ingestRowsPerSecond(file: string): Promise<{ rows: number; seconds: number; cpuSeconds: number }> {
  const wsDir = join(work, 'ws');
  rmSync(wsDir, { recursive: true, force: true });
  const ws = openWorkspace(wsDir, { create: true });
  try {
    const jobId = createJob(ws.db, 'ingest', {}, 'data');
    const ctx = createWorkerContext(ws, jobId, null, new AbortController(), {
      send() {},
      log() {},
      emit() {},
      persistProgress() {},
      pollCancel: () => false,
    });
    const t = performance.now();
    const cpu = process.cpuUsage();
    const result = (await ingest.run(ctx, ingest.params.parse({ paths: [file] }))) as IngestResult;
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    return { rows: result.samplesAdded, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
  } finally {
    ws.close();
    rmSync(wsDir, { recursive: true, force: true });
  }
}

async function duckdbSeconds(sql: string, dbFile = ':memory:'): Promise<number> {
  const inst = await DuckDBInstance.create(dbFile);
  const con = await inst.connect();
  await con.runAndReadAll(sql); // warm-up (file cache, extension load)
  if (/^CREATE TABLE (\w+)/.test(sql)) await con.runAndReadAll(`DROP TABLE ${/^CREATE TABLE (\w+)/.exec(sql)![1]}`);
  const t = performance.now();
  await con.runAndReadAll(sql);
  const s = (performance.now() - t) / 1000;
  con.closeSync();
  inst.closeSync();
  return s;
}

async function readerSeconds(file: string): Promise<number> {
  const t = performance.now();
  const table = await openTable(file);
  let n = 0;
  for await (const b of table.columnBatches({ columns: ['URL', 'TEXT'], batchSize: 8192 })) n += b.length;
  await table.close();
  if (!n) throw new Error('no rows read');
  return (performance.now() - t) / 1000;
}

async function imagesPerSecond(): Promise<{ stored: number; decodeOnly: number; count: number }> {
  const files = readdirSync(cocoVal)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  const bufs = files.map((f) => readFileSync(join(cocoVal, f)));
  const out = join(work, 'media');
  rmSync(out, { recursive: true, force: true });
  const dirs = { media: out, thumbs: join(out, 'thumbs'), originals: join(out, 'originals') };
  let t = performance.now();
  // Two at a time, as the ingest job does.
  for (let i = 0; i < bufs.length; i += 2)
    await Promise.all(bufs.slice(i, i + 2).map((b) => storeImage(b, dirs, DEFAULT_IMAGE_OPTIONS)));
  const stored = bufs.length / ((performance.now() - t) / 1000);
  rmSync(out, { recursive: true, force: true });
  t = performance.now();
  for (let i = 0; i < bufs.length; i += 2)
    await Promise.all(bufs.slice(i, i + 2).map((b) => sharp(b).raw().toBuffer()));
  const decodeOnly = bufs.length / ((performance.now() - t) / 1000);
  return { stored, decodeOnly, count: bufs.length };
}

/** The fetch job's own code downloading the COCO photos from a local server (HTTP + checks + decode + store). */
async function fetchImagesPerSecond(): Promise<number> {
  const files = readdirSync(cocoVal)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  const server = http.createServer((req, res) => {
    const data = readFileSync(join(cocoVal, (req.url ?? '/').slice(1)));
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': data.length }).end(data);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const wsDir = join(work, 'ws-fetch');
  rmSync(wsDir, { recursive: true, force: true });
  const ws = openWorkspace(wsDir, { create: true });
  try {
    const src = openSource(ws.db, { path: 'bench', kind: 'table', contentHash: 'bench-fetch' });
    ws.db.transaction(() =>
      insertSamples(
        ws.db,
        files.map((f, row) => ({
          sourceId: src.id,
          row,
          url: `${base}/${f}`,
          caption: '',
          width: null,
          height: null,
          nsfwMeta: null,
          laionSimilarity: null,
          punsafe: null,
          extra: null,
          imageSha256: null,
        })),
      ),
    )();
    const jobId = createJob(ws.db, 'fetch', {}, 'data');
    const ctx = createWorkerContext(ws, jobId, null, new AbortController(), {
      send() {},
      log() {},
      emit() {},
      persistProgress() {},
      pollCancel: () => false,
    });
    const t = performance.now();
    const r = (await fetchWorker.run(ctx, fetchWorker.params.parse({ concurrency: 8, perHost: 8 }))) as FetchJobResult;
    const seconds = (performance.now() - t) / 1000;
    if (r.counts.ok !== files.length) throw new Error(`fetch bench: ${JSON.stringify(r.counts)}`);
    return files.length / seconds;
  } finally {
    ws.close();
    rmSync(wsDir, { recursive: true, force: true });
    server.close();
  }
}

export async function run(): Promise<BenchLine[]> {
  const file = await replicatedParquet();
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const countSeconds = await duckdbSeconds(`SELECT count(*) FROM read_parquet(${q(file)})`);
  const scanSeconds = await duckdbSeconds(
    `SELECT count(*), sum(length(URL)), sum(length(TEXT)) FROM read_parquet(${q(file)})`,
  );
  const duckFile = join(work, 'duck.db');
  rmSync(duckFile, { force: true });
  rmSync(duckFile + '.wal', { force: true });
  const duckIngestSeconds = await duckdbSeconds(`CREATE TABLE t AS SELECT * FROM read_parquet(${q(file)})`, duckFile);
  rmSync(duckFile, { force: true });
  rmSync(duckFile + '.wal', { force: true });
  const readSeconds = await readerSeconds(file);
  const ing = await ingestRowsPerSecond(file);
  const rate = ing.rows / ing.seconds;
  const n = 10_000 * REPLICAS;
  const img = await imagesPerSecond();
  const fetched = await fetchImagesPerSecond();
  return [
    {
      name: `ingest rows/s (LAION sample x${REPLICAS} = ${ing.rows} rows into SQLite)`,
      value: rate,
      unit: 'rows/s',
      reference: 'duckdb count(*) read_parquet',
      referenceValue: n / countSeconds,
      ratio: rate / (n / countSeconds),
      goal: '>= 0.5x',
    },
    {
      name: 'ingest rows/s vs duckdb scanning URL+TEXT',
      value: rate,
      unit: 'rows/s',
      reference: 'duckdb sum(length(URL)), sum(length(TEXT))',
      referenceValue: n / scanSeconds,
      ratio: rate / (n / scanSeconds),
    },
    {
      name: 'ingest rows/s vs duckdb loading the file into its own on-disk table',
      value: rate,
      unit: 'rows/s',
      reference: 'duckdb CREATE TABLE AS read_parquet (file db)',
      referenceValue: n / duckIngestSeconds,
      ratio: rate / (n / duckIngestSeconds),
    },
    {
      // The machine is shared: rows per second of this process's own CPU time says what the code costs.
      name: 'ingest rows per CPU-second (same run)',
      value: ing.rows / ing.cpuSeconds,
      unit: 'rows/s',
    },
    {
      name: 'parquet reader rows/s (io/tables, URL+TEXT, no writes)',
      value: n / readSeconds,
      unit: 'rows/s',
      reference: 'duckdb sum(length(URL)), sum(length(TEXT))',
      referenceValue: n / scanSeconds,
      ratio: n / readSeconds / (n / scanSeconds),
    },
    {
      name: `images/s decode + check + store + thumbnail (${img.count} COCO photos)`,
      value: img.stored,
      unit: 'images/s',
      reference: 'sharp full decode only',
      referenceValue: img.decodeOnly,
      ratio: img.stored / img.decodeOnly,
    },
    {
      name: `fetch images/s from a local server (${img.count} COCO photos, concurrency 8)`,
      value: fetched,
      unit: 'images/s',
      reference: 'decode + check + store + thumbnail without HTTP',
      referenceValue: img.stored,
      ratio: fetched / img.stored,
    },
  ];
}

await runStandalone(import.meta.url, run);
