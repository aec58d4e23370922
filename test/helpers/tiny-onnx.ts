// Generates tiny ONNX encoders in the Hugging Face export layout (config.json, tokenizer.json, tokenizer_config.json,
// preprocessor_config.json, onnx/*.onnx) so tests and benchmarks can exercise the real model path without real
// weights. Weights come from a seeded generator, so a model's outputs are reproducible and can be recomputed
// independently with onnxruntime-node.
//   CLIP text tower:   input_ids, attention_mask -> Gather -> [MatMul+Tanh]* -> masked mean -> MatMul -> text_embeds
//   CLIP vision tower: pixel_values -> AveragePool to 4x4 -> Flatten -> MatMul -> image_embeds
//   sentence model:    input_ids, attention_mask -> Gather -> [MatMul+Tanh]* -> * mask -> last_hidden_state
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { mulberry32 } from '../../native-workers/core/stats/bootstrap.ts';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

/** A small vocabulary of real words (so captions in tests tokenize to something meaningful). */
export const TINY_VOCAB = (
  'a an the of and in on with which is are for to at by from this that it its as be or ' +
  'dog dogs puppy cat cats kitten animal animals pet pets domestic wolf fox bird birds parrot fish ' +
  'car cars truck vehicle motor wheels road bus train railway station ' +
  'apple apples fruit fruits tree red green banana orange food eat eating pizza cake ' +
  'computer mouse keyboard device hand small rodent long tail screen laptop phone ' +
  'man woman person people child boy girl playing sitting standing ' +
  'house building room table chair bed kitchen window door street city ' +
  'water sea beach river lake boat sky cloud sun snow mountain grass field park ' +
  'photo picture image black white blue yellow brown big old new ' +
  'tennis ball baseball player game sport bat bats flying nocturnal mammal wooden club'
).split(/\s+/);

export interface TinyTextOptions {
  vocab?: string[];
  /** Width of token embeddings and hidden layers. */
  hidden?: number;
  /** Output embedding size. */
  dim?: number;
  /** Hidden MatMul+Tanh layers applied per token. */
  layers?: number;
  seed?: number;
  maxLength?: number;
}

export interface TinyClipOptions extends TinyTextOptions {
  /** Square input size of the vision tower (divisible by 4). */
  imageSize?: number;
  /** Name of the text tower's output (tests of broken folders use another name). */
  textOutput?: string;
}

const rng = mulberry32;

function randomMatrix(next: () => number, rows: number, cols: number, scale: number): Float32Array {
  const m = new Float32Array(rows * cols);
  for (let i = 0; i < m.length; i++) m[i] = (next() * 2 - 1) * scale;
  return m;
}

function floatTensor(name: string, dims: number[], data: Float32Array) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

function int64Tensor(name: string, values: number[]) {
  const data = new BigInt64Array(values.map((v) => BigInt(v)));
  return onnx.TensorProto.create({
    name,
    dims: [values.length],
    dataType: INT64,
    rawData: new Uint8Array(data.buffer),
  });
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        }),
      }),
    }),
  });
}

type Attr = { name: string; i?: number; ints?: number[] };
function node(opType: string, inputs: string[], outputs: string[], attrs: Attr[] = []) {
  return onnx.NodeProto.create({
    opType,
    input: inputs,
    output: outputs,
    name: outputs[0],
    attribute: attrs.map((a) =>
      a.ints
        ? { name: a.name, type: onnx.AttributeProto.AttributeType.INTS, ints: a.ints }
        : { name: a.name, type: onnx.AttributeProto.AttributeType.INT, i: a.i },
    ),
  });
}

function modelBytes(graph: ReturnType<typeof onnx.GraphProto.create>): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'imagenot-tiny-onnx',
    opsetImport: [{ domain: '', version: 17 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Token embedding + hidden layers shared by the CLIP text tower and the sentence model: returns the output name. */
function textTrunk(
  nodes: ReturnType<typeof node>[],
  inits: ReturnType<typeof floatTensor>[],
  next: () => number,
  vocabSize: number,
  hidden: number,
  layers: number,
): string {
  inits.push(floatTensor('token_embedding', [vocabSize, hidden], randomMatrix(next, vocabSize, hidden, 1)));
  nodes.push(node('Gather', ['token_embedding', 'input_ids'], ['tokens']));
  let h = 'tokens';
  for (let l = 0; l < layers; l++) {
    inits.push(
      floatTensor(`layer${l}.weight`, [hidden, hidden], randomMatrix(next, hidden, hidden, 1 / Math.sqrt(hidden))),
    );
    nodes.push(node('MatMul', [h, `layer${l}.weight`], [`layer${l}.mm`]));
    nodes.push(node('Tanh', [`layer${l}.mm`], [`layer${l}.out`]));
    h = `layer${l}.out`;
  }
  // mask3 = float(attention_mask)[:, :, None]
  inits.push(int64Tensor('axis2', [2]));
  nodes.push(node('Cast', ['attention_mask'], ['mask_f'], [{ name: 'to', i: FLOAT }]));
  nodes.push(node('Unsqueeze', ['mask_f', 'axis2'], ['mask3']));
  nodes.push(node('Mul', [h, 'mask3'], ['masked_hidden']));
  return 'masked_hidden';
}

function tokenizerFiles(vocab: string[], maxLength: number, tokenizerClass: string) {
  const special = ['[PAD]', '[UNK]'];
  const all = [...special, ...vocab.filter((w) => !special.includes(w))];
  const ids: Record<string, number> = {};
  all.forEach((w, i) => (ids[w] = i));
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: ids, unk_token: '[UNK]' },
  };
  const config = {
    tokenizer_class: tokenizerClass,
    model_max_length: maxLength,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    do_lower_case: true,
    clean_up_tokenization_spaces: true,
  };
  return { tokenizer, config, vocabSize: all.length };
}

function writeJson(path: string, value: unknown) {
  writeFileSync(path, JSON.stringify(value, null, 2));
}

export interface TinyModelInfo {
  dir: string;
  dim: number;
  vocabSize: number;
  imageSize?: number;
}

/** Write a CLIP-like model (both towers) in the Hugging Face ONNX layout. */
export function writeTinyClip(dir: string, opts: TinyClipOptions = {}): TinyModelInfo {
  const vocab = opts.vocab ?? TINY_VOCAB;
  const hidden = opts.hidden ?? 16;
  const dim = opts.dim ?? 8;
  const layers = opts.layers ?? 0;
  const size = opts.imageSize ?? 32;
  const maxLength = opts.maxLength ?? 77;
  const next = rng(opts.seed ?? 1);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const tok = tokenizerFiles(vocab, maxLength, 'PreTrainedTokenizer');
  writeJson(join(dir, 'tokenizer.json'), tok.tokenizer);
  writeJson(join(dir, 'tokenizer_config.json'), tok.config);
  writeJson(join(dir, 'config.json'), {
    model_type: 'clip',
    architectures: ['CLIPModel'],
    projection_dim: dim,
    text_config: {
      model_type: 'clip_text_model',
      hidden_size: hidden,
      vocab_size: tok.vocabSize,
      max_position_embeddings: maxLength,
    },
    vision_config: { model_type: 'clip_vision_model', image_size: size, hidden_size: 48 },
  });
  writeJson(join(dir, 'preprocessor_config.json'), {
    image_processor_type: 'CLIPImageProcessor',
    feature_extractor_type: 'CLIPFeatureExtractor',
    do_resize: true,
    size: { shortest_edge: size },
    resample: 3,
    do_center_crop: true,
    crop_size: { height: size, width: size },
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [0.48145466, 0.4578275, 0.40821073],
    image_std: [0.26862954, 0.26130258, 0.27577711],
    do_convert_rgb: true,
  });

  // Text tower.
  {
    const nodes: ReturnType<typeof node>[] = [];
    const inits: ReturnType<typeof floatTensor>[] = [];
    const masked = textTrunk(nodes, inits, next, tok.vocabSize, hidden, layers);
    inits.push(int64Tensor('axis1', [1]));
    nodes.push(node('ReduceSum', [masked, 'axis1'], ['summed'], [{ name: 'keepdims', i: 0 }]));
    nodes.push(node('ReduceSum', ['mask3', 'axis1'], ['count'], [{ name: 'keepdims', i: 0 }]));
    nodes.push(node('Div', ['summed', 'count'], ['pooled']));
    inits.push(floatTensor('text_projection', [hidden, dim], randomMatrix(next, hidden, dim, 1)));
    const textOutput = opts.textOutput ?? 'text_embeds';
    nodes.push(node('MatMul', ['pooled', 'text_projection'], [textOutput]));
    const graph = onnx.GraphProto.create({
      name: 'tiny_clip_text',
      node: nodes,
      initializer: inits,
      input: [
        valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
        valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length']),
      ],
      output: [valueInfo(textOutput, FLOAT, ['batch_size', dim])],
    });
    writeFileSync(join(dir, 'onnx', 'text_model.onnx'), modelBytes(graph));
  }
  // Vision tower.
  {
    const k = size / 4;
    const nodes = [
      node(
        'AveragePool',
        ['pixel_values'],
        ['pooled'],
        [
          { name: 'kernel_shape', ints: [k, k] },
          { name: 'strides', ints: [k, k] },
        ],
      ),
      node('Flatten', ['pooled'], ['flat'], [{ name: 'axis', i: 1 }]),
      node('MatMul', ['flat', 'visual_projection'], ['image_embeds']),
    ];
    const graph = onnx.GraphProto.create({
      name: 'tiny_clip_vision',
      node: nodes,
      initializer: [floatTensor('visual_projection', [48, dim], randomMatrix(next, 48, dim, 1))],
      input: [valueInfo('pixel_values', FLOAT, ['batch_size', 3, size, size])],
      output: [valueInfo('image_embeds', FLOAT, ['batch_size', dim])],
    });
    writeFileSync(join(dir, 'onnx', 'vision_model.onnx'), modelBytes(graph));
  }
  return { dir, dim, vocabSize: tok.vocabSize, imageSize: size };
}

/** Write a sentence-transformers-like model (onnx/model.onnx with last_hidden_state). */
export function writeTinySentence(dir: string, opts: TinyTextOptions = {}): TinyModelInfo {
  const vocab = opts.vocab ?? TINY_VOCAB;
  const hidden = opts.hidden ?? 12;
  const layers = opts.layers ?? 1;
  const next = rng(opts.seed ?? 2);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const tok = tokenizerFiles(vocab, opts.maxLength ?? 128, 'PreTrainedTokenizer');
  writeJson(join(dir, 'tokenizer.json'), tok.tokenizer);
  writeJson(join(dir, 'tokenizer_config.json'), tok.config);
  writeJson(join(dir, 'config.json'), {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: hidden,
    vocab_size: tok.vocabSize,
  });
  const nodes: ReturnType<typeof node>[] = [];
  const inits: ReturnType<typeof floatTensor>[] = [];
  const masked = textTrunk(nodes, inits, next, tok.vocabSize, hidden, layers);
  nodes.push(node('Identity', [masked], ['last_hidden_state']));
  const graph = onnx.GraphProto.create({
    name: 'tiny_sentence',
    node: nodes,
    initializer: inits,
    input: [
      valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
      valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length']),
    ],
    output: [valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', hidden])],
  });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), modelBytes(graph));
  return { dir, dim: hidden, vocabSize: tok.vocabSize };
}
