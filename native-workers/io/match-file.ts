// The stateless per-file matcher behind `imagenot match --captions FILE --synsets WNIDS --out OUT.csv`: streams the
// caption column of a table, runs the caption automaton, writes one CSV line per caption that matched any lemma:
// `row,wnid,lemmas,status` (row = 0-based index in FILE; ambiguous -> every wnid, sorted, '|'-joined). A caption cell
// that is not text (a number, a JSON object) is a bad row; an empty or null one is counted as without a caption.
import { closeSync, openSync, writeSync } from 'node:fs';
import { CaptionMatcher } from '../core/matching/automaton.ts';
import type { LemmaSet } from '../core/matching/lemma-set.ts';
import { JoinedOutcomes } from '../core/matching/result.ts';
import { csvField } from './dataset/csv.ts';
import {
  captionText,
  openTable,
  requireColumn,
  requireTextColumn,
  TableError,
  type ColumnBatch,
  type TableRowError,
} from './tables.ts';

export interface MatchFileSummary {
  captions: number;
  matched: number;
  ambiguous: number;
  badRows: number;
  /** Rows whose caption is empty, null or absent. */
  noCaption: number;
  invalidUtf8: number;
  /** The file broke part-way (truncated gzip, ...): what went wrong; every row before it was matched. */
  damage?: string;
  seconds: number;
  captionsPerSecond: number;
}

export const MATCH_CSV_HEADER = 'row,wnid,lemmas,status';

export async function matchFile(opts: {
  captions: string;
  column?: string;
  /** csv/tsv: the first record is a header (default); false: columns are named '1', '2', ... by position. */
  header?: boolean;
  lemmaSet: LemmaSet;
  /** Output CSV path, or null to only count. */
  out: string | null;
  onBadRow?: (e: TableRowError) => void;
  onProgress?: (done: number, total: number | undefined) => void;
}): Promise<MatchFileSummary> {
  const t0 = performance.now();
  const header = opts.header ?? true;
  const column = opts.column ?? (header ? 'TEXT' : '1');
  const table = await openTable(opts.captions, { header });
  try {
    requireColumn(table, column, 'caption');
    requireTextColumn(table, column, 'caption');
  } catch (e) {
    await table.close();
    throw e;
  }
  const matcher = new CaptionMatcher(opts.lemmaSet);
  const set = opts.lemmaSet;
  const outcomes = new JoinedOutcomes(set);
  const tails: (string | undefined)[] = new Array(set.lemmas.length);
  const singleLemmaTail = (lemma: number) =>
    (tails[lemma] ??= `,${set.wnids[set.lemmaSynset[lemma]]},${csvField(set.lemmas[lemma])},matched\n`);
  const fd = opts.out ? openSync(opts.out, 'w') : null;
  let captions = 0;
  let matched = 0;
  let ambiguous = 0;
  let badRows = 0;
  let noCaption = 0;
  let damage: string | undefined;

  /** Matches one batch; returns its output lines. */
  const matchBatch = (b: ColumnBatch): string => {
    for (const e of b.errors) {
      badRows++;
      opts.onBadRow?.(e);
    }
    const values = b.columns[column];
    const bad = b.errors.length ? new Set(b.errors.map((e) => e.row)) : null;
    let text = '';
    for (let i = 0; i < b.length; i++) {
      const v = values[i];
      if (typeof v !== 'string') {
        const row = b.startRow + i;
        if (bad?.has(row)) continue;
        const c = captionText(v);
        if ('wrongType' in c) {
          badRows++;
          const reason = `caption column '${column}' holds ${c.wrongType}, not text`;
          opts.onBadRow?.({
            file: opts.captions,
            row,
            message: `file ${opts.captions}: row ${row}: ${reason}`,
            reason,
          });
        } else noCaption++;
        continue;
      }
      if (!v.trim()) noCaption++;
      const n = matcher.match(v);
      if (n === 0) continue;
      if (n === 1) {
        // The common case: one lemma, its line tail is built once per lemma.
        matched++;
        if (fd !== null) text += b.startRow + i + singleLemmaTail(matcher.hits[0]);
        continue;
      }
      const m = outcomes.of(matcher.hits, n)!;
      if (m.status === 'matched') matched++;
      else ambiguous++;
      if (fd !== null) text += `${b.startRow + i},${m.wnids},${csvField(m.lemmas)},${m.status}\n`;
    }
    return text;
  };

  try {
    if (fd !== null) writeSync(fd, MATCH_CSV_HEADER + '\n');
    for await (const b of table.columnBatches({ columns: [column], badRows: 'skip', batchSize: 16384 })) {
      const text = matchBatch(b);
      if (fd !== null && text) writeSync(fd, text);
      captions += b.length;
      opts.onProgress?.(captions, table.rowCount);
    }
  } catch (e) {
    // A file that breaks part-way: every row before the damage is matched and written; the damage is reported.
    if (!(e instanceof TableError)) throw e;
    damage = e.message;
  } finally {
    if (fd !== null) closeSync(fd);
    await table.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    captions,
    matched,
    ambiguous,
    badRows,
    noCaption,
    invalidUtf8: table.stats.invalidUtf8,
    damage,
    seconds,
    captionsPerSecond: captions / seconds,
  };
}
