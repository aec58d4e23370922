// WS/demo-truth.csv: what the demo generated for each image (Fashion-MNIST label and index, the class synset, the
// caption kind and the synsets it names, the caption). Written while the source folder is generated; read back to
// measure how clean the built dataset is. The caption is the last column, JSON-quoted.
import { readFileSync } from 'node:fs';

export const TRUTH_HEADER = 'file,fashion_mnist_label,fashion_mnist_index,wnid,caption_kind,mentions,caption';

export interface TruthRow {
  file: string;
  label: number;
  index: number;
  /** The synset the image really shows. */
  wnid: string;
  kind: string;
  mentions: string[];
  caption: string;
}

export function truthLine(r: TruthRow): string {
  return [r.file, r.label, r.index, r.wnid, r.kind, r.mentions.join('|'), JSON.stringify(r.caption)].join(',');
}

export function readTruth(path: string): TruthRow[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  if (lines[0] !== TRUTH_HEADER) throw new Error(`${path}: not a demo truth file (header '${lines[0]}')`);
  return lines.slice(1).map((line, i) => {
    const f = line.split(',');
    if (f.length < 7) throw new Error(`${path}: line ${i + 2} has ${f.length} fields, expected 7`);
    return {
      file: f[0],
      label: Number(f[1]),
      index: Number(f[2]),
      wnid: f[3],
      kind: f[4],
      mentions: f[5] ? f[5].split('|') : [],
      caption: JSON.parse(f.slice(6).join(',')) as string,
    };
  });
}
