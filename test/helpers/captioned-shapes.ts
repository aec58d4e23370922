// Generated image folder with same-name .txt captions: a few images per class word, each class a distinct shape and
// colour (so a network can learn it in seconds). Used where a test needs several classes with images to train on.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

export interface ShapeClass {
  /** The caption (a WordNet lemma of an eligible synset). */
  word: string;
  shape: 'circle' | 'square' | 'triangle';
  hue: number;
}

export async function writeCaptionedShapes(dir: string, classes: ShapeClass[], perClass: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const c of classes) {
    for (let i = 0; i < perClass; i++) {
      const x = 30 + ((i * 37) % 110);
      const y = 30 + ((i * 53) % 100);
      const r = 24 + (i % 4) * 8;
      const fill = `hsl(${c.hue},70%,${45 + (i % 3) * 8}%)`;
      const shape =
        c.shape === 'circle'
          ? `<circle cx="${x + r}" cy="${y + r}" r="${r}" fill="${fill}"/>`
          : c.shape === 'square'
            ? `<rect x="${x}" y="${y}" width="${2 * r}" height="${2 * r}" fill="${fill}"/>`
            : `<polygon points="${x + r},${y} ${x + 2 * r},${y + 2 * r} ${x},${y + 2 * r}" fill="${fill}"/>`;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="224" height="224"><rect width="224" height="224" fill="hsl(${(i * 40) % 360},20%,92%)"/>${shape}</svg>`;
      await sharp(Buffer.from(svg))
        .jpeg({ quality: 85 })
        .toFile(join(dir, `${c.word}-${i}.jpg`));
      writeFileSync(join(dir, `${c.word}-${i}.txt`), c.word);
    }
  }
}
