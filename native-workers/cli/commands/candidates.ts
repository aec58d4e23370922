// `imagenot candidates WS --out FILE.csv|FILE.parquet`: every candidate, one row each, for analysis elsewhere.
import type { Command } from 'commander';
import { extname, resolve } from 'node:path';
import { iterateCandidates, type CandidateRow } from '../../store/candidates.ts';
import { currentTextFilter } from '../../store/meta.ts';
import { currentImageEncoder } from '../../store/image-similarities.ts';
import { isKept } from '../../core/selection/kept.ts';
import { CsvWriter } from '../../io/dataset/csv.ts';
import { writeParquetFile, type ParquetColumnType } from '../../io/dataset/parquet.ts';
import { CommandFailed, UsageError, withWorkspace } from '../context.ts';

type Cell = string | number | boolean | null;

/** Column name, parquet type, and how to read it from a row (flags: null when their rule/job has not run). */
function columns(textEncoder: string | null, imageEncoder: string | null, threshold: number | null) {
  const bool = (v: number | null) => (v == null ? null : v === 1);
  const cols: [string, ParquetColumnType, (r: CandidateRow) => Cell][] = [
    ['sample_id', 'INT64', (r) => r.sampleId],
    ['source_file', 'STRING', (r) => r.sourceFile],
    ['row', 'INT64', (r) => r.row],
    ['url', 'STRING', (r) => r.url],
    ['caption', 'STRING', (r) => r.caption],
    ['wnid', 'STRING', (r) => r.wnid],
    ['lemmas', 'STRING', (r) => r.lemmas],
    ['text_similarity', 'DOUBLE', (r) => r.textSimilarity],
    ['text_encoder', 'STRING', () => textEncoder],
    ['image_similarity', 'DOUBLE', (r) => r.imageSimilarity],
    ['image_encoder', 'STRING', () => imageEncoder],
    ['sha256', 'STRING', (r) => r.sha256],
    ['nsfw_meta', 'STRING', (r) => r.nsfwMeta],
    ['nsfw_meta_flag', 'BOOLEAN', (r) => bool(r.nsfwMetaFlag)],
    ['nsfw_classifier_score', 'DOUBLE', (r) => r.nsfwClassifierScore],
    ['nsfw_classifier_flag', 'BOOLEAN', (r) => bool(r.nsfwClassifierFlag)],
    ['ocr_flag', 'BOOLEAN', (r) => bool(r.ocrFlag)],
    ['ocr_text', 'STRING', (r) => (r.ocrDetail ? (JSON.parse(r.ocrDetail) as { text?: string }).text ?? null : null)],
    ['decision', 'STRING', (r) => r.decision],
    [
      'kept',
      'BOOLEAN',
      (r) =>
        threshold != null &&
        isKept(
          {
            textSimilarity: r.textSimilarity,
            hasImage: r.sha256 != null,
            decision: r.decision,
            flagged: r.excluded === 1,
          },
          threshold,
        ),
    ],
  ];
  return cols;
}

export function register(program: Command): void {
  program
    .command('candidates')
    .description(
      'write every candidate (sample matched to one class) with source file, 0-based row, url, caption, wnid, lemmas, ' +
        'text/image similarity and encoders, NSFW/OCR flags, manual decision, and whether it is kept at the current threshold',
    )
    .argument('<ws>', 'workspace folder')
    .requiredOption('--out <file>', 'output file: .csv or .parquet')
    .option('--threshold <t>', 'threshold for the kept column (default: the workspace setting)', Number)
    .action(async (dir: string, o: { out: string; threshold?: number }) => {
      const ext = extname(o.out).toLowerCase();
      if (ext !== '.csv' && ext !== '.parquet') throw new UsageError(`--out must end in .csv or .parquet, got '${o.out}'`);
      if (o.threshold != null && !Number.isFinite(o.threshold)) throw new UsageError('--threshold must be a number');
      await withWorkspace(dir, async (ws) => {
        const filter = currentTextFilter(ws.db);
        const threshold = o.threshold ?? filter?.threshold ?? null;
        const textEncoder = filter?.encoder ?? null;
        const imageEncoder = currentImageEncoder(ws.db);
        const cols = columns(textEncoder, imageEncoder, threshold);
        const path = resolve(o.out);
        let n = 0;
        try {
          if (ext === '.csv') {
            const csv = new CsvWriter(path, cols.map((c) => c[0]));
            for (const r of iterateCandidates(ws.db, { textEncoder, imageEncoder })) {
              await csv.write(cols.map(([, , get]) => get(r)));
              n++;
            }
            await csv.close();
          } else {
            const data: Cell[][] = cols.map(() => []);
            for (const r of iterateCandidates(ws.db, { textEncoder, imageEncoder })) {
              cols.forEach(([, , get], i) => data[i].push(get(r)));
              n++;
            }
            writeParquetFile(path, cols.map(([name, type], i) => ({ name, type, data: data[i] })));
          }
        } catch (err) {
          throw new CommandFailed(`cannot write ${path}: ${(err as Error).message}`);
        }
        process.stderr.write(`${n} candidates written to ${path}${threshold == null ? ' (no text filter yet: kept is false)' : ` (kept at threshold ${threshold})`}\n`);
      });
    });
}
