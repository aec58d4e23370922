// `imagenot ingest WS PATH...`, `imagenot fetch WS` and `imagenot sources WS`: bring metadata, shards and images into a workspace, then
// download the images that only have a URL. Both are jobs (resumable with `imagenot jobs resume`).
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { publicJob } from '../../store/jobs.ts';
import { fetchStatusCounts } from '../../store/samples.ts';
import { listSources, sampleCountsBySource } from '../../store/sources.ts';
import { DEFAULT_MAX_CAPTION_CHARS, type IngestResult } from '../../workers/ingest.ts';
import { DEFAULT_MAX_RECORD_CHARS } from '../../io/tables.ts';
import { printable } from '../../io/text.ts';
import type { FetchJobResult } from '../../workers/fetch.ts';
import {
  CommandFailed,
  EXIT_FAILED,
  parseFloatOption,
  parseIntOption,
  printJson,
  runJobsToEnd,
  UsageError,
  withWorkspace,
} from '../context.ts';

function positive(name: string, min = 1) {
  const parse = parseIntOption(name);
  return (v: string) => {
    const n = parse(v);
    if (n < min) throw new UsageError(`${name} must be at least ${min}, got ${n}`);
    return n;
  };
}

/** A byte count: a whole number, optionally with a K, M, G or T suffix (powers of 1024). */
function parseByteSize(name: string) {
  return (value: string): number => {
    const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(value.trim());
    if (!m) throw new UsageError(`${name} must be a size in bytes (e.g. 500M, 4G), got '${value}'`);
    const n = Math.round(Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase()));
    if (n < 1) throw new UsageError(`${name} must be at least 1 byte`);
    return n;
  };
}

function describeIngest(r: IngestResult): string {
  const lines = r.inputs.map((i) => {
    const notes = [
      i.rejected ? `${i.rejected} rejected${i.overLimit ? ` (${i.overLimit} over a size limit)` : ''}` : '',
      i.noCaption ? `${i.noCaption} without a caption` : '',
      i.replacedUtf8 ? `${i.replacedUtf8} invalid UTF-8 sequence(s) replaced` : '',
      i.unpackedBytes != null ? `${i.unpackedBytes} bytes unpacked` : '',
    ].filter(Boolean);
    const what =
      i.outcome === 'already'
        ? 'already ingested, nothing added'
        : i.outcome === 'rejected'
          ? `rejected: ${i.error}`
          : `${i.samples} sample(s) added${notes.length ? `, ${notes.join(', ')}` : ''}${i.error ? ` (stopped early: ${i.error})` : ''}`;
    return printable(`  ${i.path} [${i.kind}]: ${what}`);
  });
  return [
    `ingested ${r.inputs.length} input(s): ${r.samplesAdded} sample(s) added, ${r.rejected} item(s) rejected`,
    ...lines,
  ].join('\n');
}

export function register(program: Command): void {
  program
    .command('sources')
    .description(
      'list the ingested sources: path, kind, rows read, samples, rejected items (and how many for their size), samples without a caption, replaced UTF-8, bytes unpacked, state',
    )
    .argument('<ws>', 'workspace folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      await withWorkspace(dir, (ws) => {
        const counts = sampleCountsBySource(ws.db);
        const list = listSources(ws.db).map((s) => ({ ...s, samples: counts.get(s.id) ?? 0 }));
        if (o.json) return printJson(list);
        if (!list.length) return void process.stdout.write('no sources\n');
        for (const s of list) {
          const notes = [
            s.rejected ? `${s.rejected} rejected${s.overLimit ? ` (${s.overLimit} over a size limit)` : ''}` : '',
            s.noCaption ? `${s.noCaption} without a caption` : '',
            s.replacedUtf8 ? `${s.replacedUtf8} invalid UTF-8 replaced` : '',
            s.unpackedBytes != null ? `${s.unpackedBytes} bytes unpacked` : '',
            s.error ?? '',
          ]
            .filter(Boolean)
            .join('; ');
          process.stdout.write(
            `#${s.id}\t${s.kind}\t${s.state}\t${s.rows ?? '?'} rows\t${s.samples} samples\t${printable(s.path)}${notes ? `\t(${printable(notes)})` : ''}\n`,
          );
        }
      });
    });

  program
    .command('ingest')
    .description(
      'add samples from LAION metadata (parquet/csv/tsv/jsonl, optionally .gz), img2dataset output (webdataset tars with ' +
        'their .parquet status files, or the files layout), single .tar files, .txt lists of URLs and image folders (same-name .txt captions, ' +
        'COCO captions_*.json); the same content twice adds nothing; exits 1 when anything was rejected',
    )
    .argument('<ws>', 'workspace folder')
    .argument('<paths...>', 'files or folders to ingest')
    .option(
      '--caption-col <name>',
      'caption column of metadata files; with --no-header a 1-based position (default: TEXT, or 1 with --no-header)',
    )
    .option(
      '--url-col <name>',
      'URL column of metadata files; with --no-header a 1-based position (default: URL, or 2 with --no-header)',
    )
    .option(
      '--no-header',
      'csv/tsv files have no header row (CC3M/CC12M TSV): name columns by 1-based position, e.g. --caption-col 1 --url-col 2',
    )
    .option(
      '--max-caption-chars <n>',
      'refuse rows whose caption is longer (rejected by row, counted per source)',
      positive('--max-caption-chars'),
      DEFAULT_MAX_CAPTION_CHARS,
    )
    .option(
      '--max-row-chars <n>',
      'longest csv/tsv field or jsonl/URL-list line read; a longer row is rejected without being held',
      positive('--max-row-chars'),
      DEFAULT_MAX_RECORD_CHARS,
    )
    .option(
      '--max-unpacked-bytes <size>',
      'most bytes a .gz input may unpack to, e.g. 8G (default: 100x its size, at least 64M)',
      parseByteSize('--max-unpacked-bytes'),
    )
    .option('--max-side <px>', 'longest side of stored images', positive('--max-side', 16), 512)
    .option('--thumb-side <px>', 'longest side of thumbnails', positive('--thumb-side', 16), 256)
    .option('--keep-original', 'also keep the original image bytes under media/originals')
    .option(
      '--max-megapixels <n>',
      'refuse images above this many megapixels (decompression bombs)',
      parseFloatOption('--max-megapixels'),
      89.478485,
    )
    .option('--json', 'print the job and its result as JSON')
    .action(
      async (
        dir: string,
        paths: string[],
        o: {
          captionCol?: string;
          urlCol?: string;
          header: boolean;
          maxCaptionChars: number;
          maxRowChars: number;
          maxUnpackedBytes?: number;
          maxSide: number;
          thumbSide: number;
          keepOriginal?: boolean;
          maxMegapixels: number;
          json?: boolean;
        },
      ) => {
        if (!(o.maxMegapixels > 0)) throw new UsageError('--max-megapixels must be positive');
        if (!o.header) {
          for (const [name, v] of [
            ['--caption-col', o.captionCol],
            ['--url-col', o.urlCol],
          ] as const) {
            if (v != null && !/^[1-9]\d*$/.test(v))
              throw new UsageError(`${name} must be a 1-based column position with --no-header, got '${v}'`);
          }
        }
        const params = {
          paths: paths.map((p) => resolve(p)),
          header: o.header,
          captionCol: o.captionCol,
          urlCol: o.urlCol,
          maxCaptionChars: o.maxCaptionChars,
          maxRecordChars: Math.max(o.maxRowChars, o.maxCaptionChars),
          maxUnpackedBytes: o.maxUnpackedBytes,
          maxSide: o.maxSide,
          thumbSide: o.thumbSide,
          keepOriginal: !!o.keepOriginal,
          maxPixels: Math.round(o.maxMegapixels * 1e6),
        };
        await withWorkspace(dir, async (ws) => {
          const out = await runJobsToEnd(ws, [{ kind: 'ingest', params }], { quiet: o.json });
          const job = out.jobs[0];
          if (o.json) printJson(publicJob(job));
          if (job.state !== 'succeeded')
            throw new CommandFailed(
              `ingest ${job.state}: ${job.error ?? ''} (resume with \`imagenot jobs resume ${dir} ${job.id}\`)`,
            );
          if (!o.json) process.stdout.write(describeIngest(job.result as IngestResult) + '\n');
          if (!out.ok) process.exitCode = EXIT_FAILED;
        });
      },
    );

  program
    .command('fetch')
    .description(
      'download images for samples with a URL and no image: bounded redirects, timeouts, retries with backoff, a per-host ' +
        'limit, content-type and size limits, X-Robots-Tag noai/noimageai honoured; per-sample status in `status --json` ' +
        '(ok, http_error, timeout, not_image, too_large, opted_out, refused_address, interrupted); killed and resumed it requests ' +
        'no URL twice; URLs leading to loopback, private, link-local or metadata addresses are refused',
    )
    .argument('<ws>', 'workspace folder')
    .option('--concurrency <n>', 'downloads in flight', positive('--concurrency'), 16)
    .option('--per-host <n>', 'downloads in flight per host', positive('--per-host'), 4)
    .option('--timeout <s>', 'seconds per attempt (connect + body)', parseFloatOption('--timeout'), 10)
    .option('--retries <n>', 'retries after a timeout, network error, 5xx or 429', positive('--retries', 0), 2)
    .option('--max-side <px>', 'longest side of stored images', positive('--max-side', 16), 512)
    .option('--max-bytes <n>', 'refuse downloads above this size', positive('--max-bytes'), 20 * 1024 * 1024)
    .option('--keep-original', 'also keep the original image bytes under media/originals')
    .option(
      '--retry-failed',
      'request again samples that ended http_error, timeout or interrupted (and refused_address with --allow-private-addresses)',
    )
    .option(
      '--allow-private-addresses',
      'also fetch from loopback, private, link-local and metadata addresses (only for datasets you trust)',
    )
    .option('--limit <n>', 'stop after this many downloads', positive('--limit'))
    .option('--json', 'print the job and its result as JSON')
    .action(
      async (
        dir: string,
        o: {
          concurrency: number;
          perHost: number;
          timeout: number;
          retries: number;
          maxSide: number;
          maxBytes: number;
          keepOriginal?: boolean;
          retryFailed?: boolean;
          allowPrivateAddresses?: boolean;
          limit?: number;
          json?: boolean;
        },
      ) => {
        if (!(o.timeout > 0)) throw new UsageError('--timeout must be positive');
        const params = {
          concurrency: o.concurrency,
          perHost: o.perHost,
          timeoutS: o.timeout,
          retries: o.retries,
          maxSide: o.maxSide,
          maxBytes: o.maxBytes,
          keepOriginal: !!o.keepOriginal,
          retryFailed: !!o.retryFailed,
          allowPrivateAddresses: !!o.allowPrivateAddresses,
          limit: o.limit,
        };
        await withWorkspace(dir, async (ws) => {
          const out = await runJobsToEnd(ws, [{ kind: 'fetch', params }], { quiet: o.json });
          const job = out.jobs[0];
          if (o.json) printJson(publicJob(job));
          if (job.state !== 'succeeded')
            throw new CommandFailed(
              `fetch ${job.state}: ${job.error ?? ''} (resume with \`imagenot jobs resume ${dir} ${job.id}\`)`,
            );
          if (!o.json) {
            const r = job.result as FetchJobResult;
            const all = fetchStatusCounts(ws.db);
            process.stdout.write(
              `${r.downloaded} downloaded, ${r.failed} failed${r.optedOut ? `, ${r.optedOut} opted out` : ''} ` +
                `(${
                  Object.entries(r.counts)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ') || 'nothing to do'
                })\n` +
                `workspace totals: ${
                  Object.entries(all)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ') || 'none'
                }\n`,
            );
          }
          if (!out.ok) process.exitCode = EXIT_FAILED;
        });
      },
    );
}
