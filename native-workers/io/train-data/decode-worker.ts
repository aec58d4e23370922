// A worker_thread of the input pipeline: receives a batch (image references + decode specs), decodes each image into
// one Float32Array and transfers it back. A bad image is reported by index and its slot left empty.
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { decodeInto, type DecodeSpec } from './decode.ts';
import { describeRef, readImageBytes, type ImageRef } from './export-dataset.ts';

export interface DecodeRequest {
  id: number;
  items: { ref: ImageRef; spec: DecodeSpec }[];
  size: number;
}

export interface DecodeReply {
  id: number;
  data: Float32Array;
  failed: { index: number; item: string; reason: string }[];
}

// libvips' own thread pool would compete with the training threads for the same cores.
sharp.concurrency(1);

parentPort!.on('message', async (req: DecodeRequest) => {
  const per = req.size * req.size * 3;
  const data = new Float32Array(per * req.items.length);
  const failed: DecodeReply['failed'] = [];
  for (let i = 0; i < req.items.length; i++) {
    const { ref, spec } = req.items[i];
    try {
      await decodeInto(readImageBytes(ref), spec, data, i * per);
    } catch (err) {
      failed.push({ index: i, item: describeRef(ref), reason: `cannot decode image: ${(err as Error).message}` });
    }
  }
  const reply: DecodeReply = { id: req.id, data, failed };
  parentPort!.postMessage(reply, [data.buffer]);
});
