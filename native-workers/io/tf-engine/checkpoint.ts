// Checkpoints of a training run in runs/<id>/: every weight of the model (trainable and BatchNorm statistics), the
// optimizer's slots (momentum, Adam moments, iteration count) and the loop's state (epoch, step, seed, early
// stopping) — enough to continue after a kill exactly where the last epoch ended. A checkpoint folder is written
// under a temporary name and swapped in by renames, so a kill mid-write leaves the previous one intact. The best
// weights so far (early stopping) are kept next to it as best-weights.{json,bin}.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

interface TensorEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

async function pack(named: { name: string; tensor: tf.Tensor }[]): Promise<{ entries: TensorEntry[]; bytes: Buffer }> {
  const entries: TensorEntry[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const { name, tensor } of named) {
    const data = (await tensor.data()) as Float32Array;
    const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
    entries.push({ name, shape: tensor.shape, offset, length: f32.length });
    parts.push(Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength));
    offset += f32.length;
  }
  return { entries, bytes: Buffer.concat(parts) };
}

function unpack(entries: TensorEntry[], bytes: Buffer): { name: string; tensor: tf.Tensor }[] {
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return entries.map((e) => ({ name: e.name, tensor: tf.tensor(all.slice(e.offset, e.offset + e.length), e.shape) }));
}

function modelNamed(model: tf.LayersModel): { name: string; tensor: tf.Tensor }[] {
  return model.weights.map((w) => ({ name: w.originalName ?? w.name, tensor: w.read() }));
}

function setModel(model: tf.LayersModel, named: { name: string; tensor: tf.Tensor }[], what: string): void {
  const weights = model.weights;
  if (weights.length !== named.length)
    throw new Error(`${what}: ${named.length} tensors for a model with ${weights.length} weights`);
  weights.forEach((w, i) => {
    const t = named[i].tensor;
    if (t.shape.join('x') !== w.shape.join('x'))
      throw new Error(`${what}: weight ${w.name} has shape [${w.shape}] but the file has [${t.shape}]`);
  });
  model.setWeights(named.map((n) => n.tensor));
  for (const n of named) n.tensor.dispose();
}

export interface CheckpointState {
  /** Epochs completed. */
  epoch: number;
  /** Optimisation steps completed. */
  step: number;
  [key: string]: unknown;
}

const DIR = 'checkpoint';

/**
 * `extra`: more named tensors that belong to the run's state (the weight EMA's averages), read back with
 * loadCheckpointExtra.
 */
export async function saveCheckpoint(
  runDir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  state: CheckpointState,
  extra: { name: string; tensor: tf.Tensor }[] = [],
): Promise<string> {
  mkdirSync(runDir, { recursive: true });
  const tmp = join(runDir, `${DIR}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const w = await pack(modelNamed(model));
  const o = await pack(await optimizer.getWeights());
  const e = await pack(extra);
  writeFileSync(join(tmp, 'weights.bin'), w.bytes);
  writeFileSync(join(tmp, 'optimizer.bin'), o.bytes);
  writeFileSync(join(tmp, 'extra.bin'), e.bytes);
  writeFileSync(
    join(tmp, 'checkpoint.json'),
    JSON.stringify({ state, weights: w.entries, optimizer: o.entries, extra: e.entries }, null, 1),
  );
  const final = join(runDir, DIR);
  const old = join(runDir, `${DIR}.old`);
  rmSync(old, { recursive: true, force: true });
  if (existsSync(final)) renameSync(final, old);
  renameSync(tmp, final);
  rmSync(old, { recursive: true, force: true });
  return final;
}

/** The last complete checkpoint (or the previous one if a kill hit between the two renames), or undefined. */
function checkpointDir(runDir: string): string | undefined {
  for (const name of [DIR, `${DIR}.old`])
    if (existsSync(join(runDir, name, 'checkpoint.json'))) return join(runDir, name);
  return undefined;
}

export function readCheckpointState(runDir: string): CheckpointState | undefined {
  const dir = checkpointDir(runDir);
  return dir ? (JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).state as CheckpointState) : undefined;
}

export async function loadCheckpoint(
  runDir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
): Promise<CheckpointState | undefined> {
  const dir = checkpointDir(runDir);
  if (!dir) return undefined;
  const meta = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as {
    state: CheckpointState;
    weights: TensorEntry[];
    optimizer: TensorEntry[];
  };
  setModel(model, unpack(meta.weights, readFileSync(join(dir, 'weights.bin'))), `${dir}/weights.bin`);
  const opt = unpack(meta.optimizer, readFileSync(join(dir, 'optimizer.bin')));
  await optimizer.setWeights(opt);
  return meta.state;
}

/** The extra tensors saved with the last checkpoint (none for a checkpoint written without them). */
export function loadCheckpointExtra(runDir: string): tf.Tensor[] {
  const dir = checkpointDir(runDir);
  if (!dir) return [];
  const meta = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as { extra?: TensorEntry[] };
  if (!meta.extra?.length) return [];
  return unpack(meta.extra, readFileSync(join(dir, 'extra.bin'))).map((t) => t.tensor);
}

export async function saveBestWeights(
  runDir: string,
  model: tf.LayersModel,
  info: Record<string, unknown>,
): Promise<void> {
  const w = await pack(modelNamed(model));
  mkdirSync(runDir, { recursive: true }); // the first epoch's best weights come before its first checkpoint
  writeFileSync(join(runDir, 'best-weights.bin.tmp'), w.bytes);
  writeFileSync(join(runDir, 'best-weights.json.tmp'), JSON.stringify({ ...info, weights: w.entries }));
  renameSync(join(runDir, 'best-weights.bin.tmp'), join(runDir, 'best-weights.bin'));
  renameSync(join(runDir, 'best-weights.json.tmp'), join(runDir, 'best-weights.json'));
}

export function loadBestWeights(runDir: string, model: tf.LayersModel): boolean {
  const json = join(runDir, 'best-weights.json');
  if (!existsSync(json)) return false;
  const meta = JSON.parse(readFileSync(json, 'utf8')) as { weights: TensorEntry[] };
  setModel(model, unpack(meta.weights, readFileSync(join(runDir, 'best-weights.bin'))), `${runDir}/best-weights.bin`);
  return true;
}
