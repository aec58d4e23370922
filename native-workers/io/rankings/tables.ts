// The two tables `imagenot rankings` compares: a results CSV (`arch,top1`, percent) and the reference CSV (`arch` and
// `top1` or `imagenet_top1`; default: the bundled torchvision ImageNet-1k table, assets/torchvision-imagenet.csv).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { ModelAccuracy } from '../../core/stats/rankings.ts';
import { config } from '../../config/settings.ts';

/** Where the bundled reference lives (next to the sources, or IMAGENOT_ASSETS_DIR in a packaged build). */
export function bundledReferencePath(): string {
  const candidates = [
    config.assetsDir && `${config.assetsDir}/torchvision-imagenet.csv`,
    fileURLToPath(new URL('../../../assets/torchvision-imagenet.csv', import.meta.url)),
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the bundled reference table is missing (looked in ${candidates.join(', ')})`);
  return found;
}

/** Rows of a CSV with a header; `top1Columns` are tried in order. Bad rows throw an error naming the row. */
export function readAccuracyCsv(path: string, top1Columns: string[] = ['top1']): ModelAccuracy[] {
  if (!existsSync(path)) throw new Error(`${path}: no such file`);
  const rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];
  if (!rows.length) throw new Error(`${path}: no rows`);
  const column = top1Columns.find((c) => c in rows[0]);
  if (!('arch' in rows[0]) || !column) {
    throw new Error(
      `${path}: needs columns 'arch' and ${top1Columns.map((c) => `'${c}'`).join(' or ')} (found ${Object.keys(rows[0]).join(', ')})`,
    );
  }
  return rows.map((r, i) => {
    const top1 = Number(r[column]);
    if (!r.arch) throw new Error(`${path}: row ${i + 2}: empty arch`);
    if (r[column] === '' || !Number.isFinite(top1))
      throw new Error(`${path}: row ${i + 2} (${r.arch}): ${column} '${r[column]}' is not a number`);
    return { arch: r.arch, top1 };
  });
}

export function readReference(path?: string): ModelAccuracy[] {
  return readAccuracyCsv(path ?? bundledReferencePath(), ['top1', 'imagenet_top1']);
}
