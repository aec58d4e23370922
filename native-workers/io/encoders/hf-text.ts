// Text encoders from a Hugging Face ONNX export folder, through transformers.js on onnxruntime-node:
// CLIP text tower -> text_embeds; sentence-transformers -> mean of last_hidden_state over the attention mask.
// The model's own tokenizer does all tokenisation; outputs are L2-normalised.
import {
  AutoModel,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { resolve } from 'node:path';
import { maskedMeanPool, normalizedRows } from '../../core/similarity/vector.ts';
import { modelLoadOptions } from './runtime.ts';
import type { TextEncoder } from './types.ts';

interface TensorLike {
  dims: number[];
  data: ArrayLike<number>;
}

export interface HfTextEncoder extends TextEncoder {
  readonly tokenizer: PreTrainedTokenizer;
}

export async function openHfTextEncoder(
  name: string,
  kind: 'clip' | 'sentence',
  folder: string,
): Promise<HfTextEncoder> {
  // Absolute, so transformers.js never reads a relative folder name as a Hub model id.
  const dir = resolve(folder);
  const tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  const model: PreTrainedModel =
    kind === 'clip'
      ? await CLIPTextModelWithProjection.from_pretrained(dir, modelLoadOptions())
      : await AutoModel.from_pretrained(dir, modelLoadOptions());
  let dim = 0;
  const encoder: HfTextEncoder = {
    name,
    kind,
    tokenizer,
    get dim() {
      return dim;
    },
    async encodeTexts(texts) {
      if (!texts.length) return [];
      const inputs = tokenizer(texts, { padding: true, truncation: true });
      const out = (await model(inputs)) as Record<string, TensorLike>;
      let rows: Float32Array[];
      if (kind === 'clip') {
        const e = out.text_embeds;
        if (!e)
          throw new Error(
            `${name}: the text model has no 'text_embeds' output (outputs: ${Object.keys(out).join(', ')})`,
          );
        rows = normalizedRows(e.data, e.dims[0], e.dims[1]);
      } else {
        const h = out.last_hidden_state ?? out.token_embeddings;
        if (!h)
          throw new Error(
            `${name}: the model has no 'last_hidden_state' output (outputs: ${Object.keys(out).join(', ')})`,
          );
        const [rowsN, seq, d] = h.dims;
        rows = maskedMeanPool(
          h.data,
          (inputs.attention_mask as TensorLike).data as ArrayLike<number | bigint>,
          rowsN,
          seq,
          d,
        );
      }
      dim = rows[0].length;
      return rows;
    },
    async dispose() {
      await model.dispose();
    },
  };
  return encoder;
}
