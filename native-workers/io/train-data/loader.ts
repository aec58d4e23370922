// The input pipeline seen from the training thread: a small pool of decode workers (worker_threads) and an ordered,
// prefetching batch iterator. While the model computes on batch k, the workers decode batches k+1..k+depth.
import { Worker } from 'node:worker_threads';
import type { DecodeSpec } from './decode.ts';
import type { DecodeReply, DecodeRequest } from './decode-worker.ts';
import type { ImageRef, LabelledImage } from './export-dataset.ts';

/**
 * The decode worker. From source it is TypeScript: the thread first registers tsx's loader (execArgv `--import tsx`
 * does not reach worker threads in Node 20), then imports it. A bundled build ships decode-worker.mjs next to this.
 */
function startDecodeWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./decode-worker.mjs', import.meta.url));
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./decode-worker.ts', import.meta.url).href;
  return new Worker(
    `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true },
  );
}

export interface Batch {
  /** [n, size, size, 3] normalised pixels of the images that decoded. */
  data: Float32Array;
  labels: Int32Array;
  count: number;
  failed: DecodeReply['failed'];
}

export class DecodePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: DecodeReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private turn = 0;

  constructor(count: number) {
    for (let i = 0; i < Math.max(1, count); i++) {
      const w = startDecodeWorker();
      w.on('message', (r: DecodeReply) => {
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        p?.resolve(r);
      });
      w.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      w.unref();
      this.workers.push(w);
    }
  }

  decode(items: { ref: ImageRef; spec: DecodeSpec }[], size: number): Promise<DecodeReply> {
    const id = this.nextId++;
    const worker = this.workers[this.turn++ % this.workers.length];
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const req: DecodeRequest = { id, items, size };
      worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Drop the slots of images that failed to decode. */
function compact(reply: DecodeReply, labels: number[], size: number): Batch {
  const per = size * size * 3;
  if (!reply.failed.length)
    return { data: reply.data, labels: Int32Array.from(labels), count: labels.length, failed: [] };
  const bad = new Set(reply.failed.map((f) => f.index));
  const keep = labels.map((_, i) => i).filter((i) => !bad.has(i));
  const data = new Float32Array(keep.length * per);
  keep.forEach((src, dst) => data.set(reply.data.subarray(src * per, (src + 1) * per), dst * per));
  return { data, labels: Int32Array.from(keep.map((i) => labels[i])), count: keep.length, failed: reply.failed };
}

/**
 * Batches of `images[order[...]]` in order, `depth` requests in flight. `specOf(position)` gives the decode spec of
 * the image at that position of `order` (its augmentation seed depends on epoch and position only).
 */
export async function* batches(
  pool: DecodePool,
  images: readonly LabelledImage[],
  order: readonly number[],
  batchSize: number,
  size: number,
  specOf: (position: number) => DecodeSpec,
  opts: { depth?: number; fromBatch?: number } = {},
): AsyncGenerator<Batch> {
  const depth = opts.depth ?? 3;
  const count = Math.ceil(order.length / batchSize);
  const request = (b: number) => {
    const positions = order.slice(b * batchSize, (b + 1) * batchSize).map((_, k) => b * batchSize + k);
    const items = positions.map((p) => ({ ref: images[order[p]].ref, spec: specOf(p) }));
    const labels = positions.map((p) => images[order[p]].label);
    return pool.decode(items, size).then((reply) => compact(reply, labels, size));
  };
  const queue: Promise<Batch>[] = [];
  let next = opts.fromBatch ?? 0;
  while (queue.length < depth && next < count) queue.push(request(next++));
  while (queue.length) {
    const batch = await queue.shift()!;
    if (next < count) queue.push(request(next++));
    yield batch;
  }
}
