// The dataset exports under a workspace's exports/ folder that training can use (complete = has dataset.json), newest
// first, with what their dataset.json says (layout, counts, threshold, seed; an export written by other tools may
// only list its classes).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ExportInfo {
  /** Folder name under exports/. */
  name: string;
  dir: string;
  format: string | null;
  classes: number | null;
  train: number | null;
  test: number | null;
  createdAt: string;
  threshold: number | null;
  seed: number | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function listExports(exportsDir: string): ExportInfo[] {
  if (!existsSync(exportsDir)) return [];
  const out: (ExportInfo & { mtime: number })[] = [];
  for (const name of readdirSync(exportsDir)) {
    const marker = join(exportsDir, name, 'dataset.json');
    if (!existsSync(marker)) continue;
    let json: Obj = {};
    try {
      json = obj(JSON.parse(readFileSync(marker, 'utf8')));
    } catch {
      // Listed all the same: training reports the broken file by name.
    }
    const counts = obj(json.counts);
    const mtime = statSync(marker).mtimeMs;
    out.push({
      name,
      dir: join(exportsDir, name),
      format: typeof json.layout === 'string' ? json.layout : null,
      classes: num(counts.classes) ?? (Array.isArray(json.classes) ? json.classes.length : null),
      train: num(counts.train),
      test: num(counts.test),
      createdAt: new Date(mtime).toISOString(),
      threshold: num(json.threshold),
      seed: num(json.seed),
      mtime,
    });
  }
  return out.sort((a, b) => b.mtime - a.mtime).map(({ mtime: _, ...e }) => e);
}
