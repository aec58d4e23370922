// The image-folder layout: <out>/<split>/<wnid>/<sampleId>.jpg. torchvision's ImageFolder reads it as is: it numbers
// the class folders in sorted order, which is the export's class index.
import { join } from 'node:path';
import { writeFileAtomic } from './files.ts';

export function imageFolderPath(split: string, wnid: string, sampleId: number): string {
  return `${split}/${wnid}/${sampleId}.jpg`;
}

export function writeImageFolderItem(outDir: string, relPath: string, jpeg: Buffer): void {
  writeFileAtomic(join(outDir, relPath), jpeg);
}
