// Checks a Hugging Face ONNX export folder before it is imported: the files a kind needs, the ONNX graphs' input and
// output names and ranks, that the tokenizer (and CLIP's image processor) load, and one probe inference per tower.
// Every problem found is reported, each naming the file and what is missing or wrong.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { openHfTextEncoder } from './hf-text.ts';
import { openClipImageEncoder, RawImage } from './hf-vision.ts';
import { ModelFolderError } from './types.ts';

export type ModelKind = 'clip' | 'sentence';

export const MODEL_FILES: Record<ModelKind, string[]> = {
  clip: [
    'config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'preprocessor_config.json',
    'onnx/text_model.onnx',
    'onnx/vision_model.onnx',
  ],
  sentence: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'],
};

export interface GraphInfo {
  inputs: { name: string; shape: (number | string)[] }[];
  outputs: { name: string; shape: (number | string)[] }[];
}

export interface ModelFolderInfo {
  kind: ModelKind;
  dim: number;
  files: string[];
  graphs: Record<string, GraphInfo>;
}

async function inspectGraph(path: string): Promise<GraphInfo> {
  const session = await ort.InferenceSession.create(path);
  try {
    const meta = (list: readonly ort.InferenceSession.ValueMetadata[]) =>
      list.map((m) => ({ name: m.name, shape: m.isTensor ? [...m.shape] : [] }));
    return { inputs: meta(session.inputMetadata), outputs: meta(session.outputMetadata) };
  } finally {
    await session.release();
  }
}

interface GraphExpectation {
  file: string;
  inputs: { name: string; rank: number; required: boolean }[];
  /** One of these outputs must exist with this rank. */
  outputs: { names: string[]; rank: number };
}

const EXPECT: Record<ModelKind, GraphExpectation[]> = {
  clip: [
    {
      file: 'onnx/text_model.onnx',
      inputs: [
        { name: 'input_ids', rank: 2, required: true },
        { name: 'attention_mask', rank: 2, required: false },
      ],
      outputs: { names: ['text_embeds'], rank: 2 },
    },
    {
      file: 'onnx/vision_model.onnx',
      inputs: [{ name: 'pixel_values', rank: 4, required: true }],
      outputs: { names: ['image_embeds'], rank: 2 },
    },
  ],
  sentence: [
    {
      file: 'onnx/model.onnx',
      inputs: [
        { name: 'input_ids', rank: 2, required: true },
        { name: 'attention_mask', rank: 2, required: false },
      ],
      outputs: { names: ['last_hidden_state', 'token_embeddings'], rank: 3 },
    },
  ],
};

const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids', 'position_ids', 'pixel_values']);

function checkGraph(e: GraphExpectation, g: GraphInfo, problems: string[]): void {
  for (const want of e.inputs) {
    const got = g.inputs.find((i) => i.name === want.name);
    if (!got) {
      if (want.required)
        problems.push(
          `${e.file}: no input '${want.name}' (inputs: ${g.inputs.map((i) => i.name).join(', ') || 'none'})`,
        );
    } else if (got.shape.length && got.shape.length !== want.rank) {
      problems.push(
        `${e.file}: input '${want.name}' has ${got.shape.length} dimensions [${got.shape.join(', ')}], expected ${want.rank}`,
      );
    }
  }
  for (const i of g.inputs) {
    if (!KNOWN_INPUTS.has(i.name))
      problems.push(
        `${e.file}: unexpected input '${i.name}' (an encoder export takes ${[...KNOWN_INPUTS].join(', ')})`,
      );
  }
  const pix = g.inputs.find((i) => i.name === 'pixel_values');
  if (pix && typeof pix.shape[1] === 'number' && pix.shape[1] !== 3)
    problems.push(`${e.file}: pixel_values has ${pix.shape[1]} channels, expected 3`);
  const out = g.outputs.find((o) => e.outputs.names.includes(o.name));
  if (!out) {
    problems.push(
      `${e.file}: no output '${e.outputs.names.join("' or '")}' (outputs: ${g.outputs.map((o) => o.name).join(', ') || 'none'})`,
    );
  } else if (out.shape.length && out.shape.length !== e.outputs.rank) {
    problems.push(
      `${e.file}: output '${out.name}' has ${out.shape.length} dimensions [${out.shape.join(', ')}], expected ${e.outputs.rank}`,
    );
  }
}

function fail(dir: string, problems: string[]): never {
  throw new ModelFolderError(`${dir} is not a usable model folder:\n  - ${problems.join('\n  - ')}`);
}

/** Validate a folder for a kind; throws ModelFolderError listing every problem. */
export async function checkModelFolder(dir: string, kind: ModelKind): Promise<ModelFolderInfo> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(dir, [`folder not found`]);
  const problems: string[] = [];
  for (const f of MODEL_FILES[kind]) {
    if (!existsSync(join(dir, f))) problems.push(`missing ${f}`);
  }
  for (const f of MODEL_FILES[kind].filter((f) => f.endsWith('.json'))) {
    if (!existsSync(join(dir, f))) continue;
    try {
      JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch (err) {
      problems.push(`${f} is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (problems.length) fail(dir, problems);

  const graphs: Record<string, GraphInfo> = {};
  for (const e of EXPECT[kind]) {
    try {
      graphs[e.file] = await inspectGraph(join(dir, e.file));
    } catch (err) {
      problems.push(`${e.file} is not a loadable ONNX model: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    checkGraph(e, graphs[e.file], problems);
  }
  if (problems.length) fail(dir, problems);

  // Probe: tokenizer + text model, and for CLIP the image processor + vision model, on one input each.
  let dim = 0;
  try {
    const text = await openHfTextEncoder('probe', kind, dir);
    try {
      const [v] = await text.encodeTexts(['a photo of a dog']);
      if (!v?.length || !v.every(Number.isFinite))
        problems.push(`probe: the text model returned a non-finite or empty embedding`);
      dim = v?.length ?? 0;
    } finally {
      await text.dispose();
    }
  } catch (err) {
    problems.push(
      `probe (tokenizer.json, tokenizer_config.json, ${EXPECT[kind][0].file}): ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (kind === 'clip') {
    try {
      const vision = await openClipImageEncoder('probe', dir);
      try {
        const gray = new RawImage(new Uint8ClampedArray(64 * 48 * 3).fill(128), 64, 48, 3);
        const [v] = await vision.encodeRaw([gray]);
        if (!v?.every(Number.isFinite)) problems.push(`probe: the vision model returned a non-finite embedding`);
        else if (dim && v.length !== dim)
          problems.push(
            `image_embeds has ${v.length} dimensions but text_embeds has ${dim}; the towers do not share an embedding space`,
          );
      } finally {
        await vision.dispose();
      }
    } catch (err) {
      problems.push(
        `probe (preprocessor_config.json, onnx/vision_model.onnx): ${(err as Error).message.split('\n')[0]}`,
      );
    }
  }
  if (problems.length) fail(dir, problems);
  return { kind, dim, files: MODEL_FILES[kind], graphs };
}

/** Copy the files a kind needs into dest; returns the sha256 over their paths and bytes (the model's identity). */
export function copyModelFiles(src: string, dest: string, kind: ModelKind): string {
  const hash = createHash('sha256');
  for (const f of MODEL_FILES[kind]) {
    const to = join(dest, f);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(src, f), to);
    hash.update(f + '\0');
    hash.update(readFileSync(to));
  }
  return hash.digest('hex');
}
