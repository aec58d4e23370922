// One printed figure of a benchmark, with the reference it is compared against in the same run.
export interface BenchLine {
  name: string;
  value: number;
  unit: string;
  reference?: string;
  referenceValue?: number;
  /** value / referenceValue (or the inverse for lower-is-better figures, stated in `name`). */
  ratio?: number;
  /** The target this figure is held to, in words (e.g. '>= 0.5x'). */
  goal?: string;
}

export function formatBenchLine(l: BenchLine): string {
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));
  let s = `${l.name}: ${fmt(l.value)} ${l.unit}`;
  if (l.reference) s += ` (${l.reference}: ${l.referenceValue != null ? fmt(l.referenceValue) : '?'} ${l.unit}`;
  if (l.ratio != null) s += `, ratio ${l.ratio.toFixed(2)}x`;
  if (l.reference) s += ')';
  if (l.goal) s += ` [goal ${l.goal}]`;
  return s;
}

/** Lets a bench module run alone: `node --import tsx bench/x.bench.ts`. */
export async function runStandalone(metaUrl: string, run: () => Promise<BenchLine[]>): Promise<void> {
  if (process.argv[1] && metaUrl.endsWith(process.argv[1].split('/').pop()!)) {
    for (const line of await run()) console.log(formatBenchLine(line));
  }
}
