// Open a text encoder by name: 'glove' (built in) or an imported model folder of kind clip|sentence.
import { openGloveEncoder } from './glove.ts';
import { openHfTextEncoder } from './hf-text.ts';
import type { TextEncoder } from './types.ts';

export interface EncoderSpec {
  name: string;
  kind: 'glove' | 'clip' | 'sentence';
  /** Absolute model folder (imported models only). */
  dir?: string | null;
}

export async function openTextEncoder(spec: EncoderSpec, log?: (msg: string) => void): Promise<TextEncoder> {
  if (spec.kind === 'glove') return openGloveEncoder(log);
  if (!spec.dir) throw new Error(`encoder '${spec.name}' has no model folder`);
  return openHfTextEncoder(spec.name, spec.kind, spec.dir);
}
