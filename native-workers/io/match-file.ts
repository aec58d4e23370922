// The stateless per-file matcher behind `imagenot match --captions FILE --synsets WNIDS --out OUT.csv`: streams the
// caption column of a table, runs the caption automaton, writes one CSV line per caption that matched any lemma:
// `row,wnid,lemmas,status` (row = 0-based index in FILE; ambiguous -> every wnid, sorted, '|'-joined).
import { closeSync, openSync, writeSync } from 'node:fs';
import { CaptionMatcher } from '../core/matching/automaton.ts';
import type { LemmaSet } from '../core/matching/lemma-set.ts';
import { JoinedOutcomes } from '../core/matching/result.ts';
import { openTable, requireColumn, type TableRowError } from './tables.ts';

export interface MatchFileSummary {
  captions: number;
  matched: number;
  ambiguous: number;
  badRows: number;
  invalidUtf8: number;
  seconds: number;
  captionsPerSecond: number;
}

export const MATCH_CSV_HEADER = 'row,wnid,lemmas,status';

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function matchFile(opts: {
  captions: string;
  column?: string;
  lemmaSet: LemmaSet;
  /** Output CSV path, or null to only count. */
  out: string | null;
  onBadRow?: (e: TableRowError) => void;
  onProgress?: (done: number, total: number | undefined) => void;
}): Promise<MatchFileSummary> {
  const t0 = performance.now();
  const column = opts.column ?? 'TEXT';
  const table = await openTable(opts.captions);
  requireColumn(table, column, 'caption');
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
  try {
    if (fd !== null) writeSync(fd, MATCH_CSV_HEADER + '\n');
    for await (const b of table.columnBatches({ columns: [column], badRows: 'skip', batchSize: 16384 })) {
      for (const e of b.errors) {
        badRows++;
        opts.onBadRow?.(e);
      }
      const values = b.columns[column];
      let text = '';
      for (let i = 0; i < b.length; i++) {
        const v = values[i];
        if (v === null || v === undefined) continue;
        const n = matcher.match(typeof v === 'string' ? v : String(v));
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
      if (fd !== null && text) writeSync(fd, text);
      captions += b.length;
      opts.onProgress?.(captions, table.rowCount);
    }
  } finally {
    if (fd !== null) closeSync(fd);
    await table.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { captions, matched, ambiguous, badRows, invalidUtf8: table.stats.invalidUtf8, seconds, captionsPerSecond: captions / seconds };
}
