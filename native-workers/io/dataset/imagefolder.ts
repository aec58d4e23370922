// The image-folder layout: <out>/<split>/<wnid>/<sampleId>.jpg (torchvision ImageFolder reads it as is; note that
// ImageFolder sorts class folders by name, while dataset.json lists classes by rank — use dataset.json's order).
import { join } from 'node:path';
import { writeFileAtomic } from './files.ts';

export function imageFolderPath(split: string, wnid: string, sampleId: number): string {
  return `${split}/${wnid}/${sampleId}.jpg`;
}

export function writeImageFolderItem(outDir: string, relPath: string, jpeg: Buffer): void {
  writeFileAtomic(join(outDir, relPath), jpeg);
}
