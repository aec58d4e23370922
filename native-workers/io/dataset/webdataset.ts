// The WebDataset layout: tar shards <split>-NNNNNN.tar, each sample three members sharing the key <sampleId>:
// <key>.jpg (the image), <key>.cls (class index as decimal text), <key>.json (sample id, wnid, split, url, caption,
// similarities, sha256). Member mtimes are fixed at 0 so the same selection gives byte-identical shards.
import tarStream from 'tar-stream';
import { join } from 'node:path';
import { writeFileAtomic } from './files.ts';

export interface WebDatasetSample {
  key: string;
  jpeg: Buffer;
  classIndex: number;
  json: Record<string, unknown>;
}

export function shardName(split: string, index: number): string {
  return `${split}-${String(index).padStart(6, '0')}.tar`;
}

async function tarBuffer(samples: readonly WebDatasetSample[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
  const entry = (name: string, body: Buffer) =>
    new Promise<void>((resolve, reject) =>
      pack.entry({ name, mtime: new Date(0), mode: 0o644, uid: 0, gid: 0, uname: '', gname: '' }, body, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  for (const s of samples) {
    await entry(`${s.key}.jpg`, s.jpeg);
    await entry(`${s.key}.cls`, Buffer.from(String(s.classIndex)));
    await entry(`${s.key}.json`, Buffer.from(JSON.stringify(s.json)));
  }
  pack.finalize();
  return done;
}

export async function writeShard(outDir: string, name: string, samples: readonly WebDatasetSample[]): Promise<void> {
  writeFileAtomic(join(outDir, name), await tarBuffer(samples));
}
