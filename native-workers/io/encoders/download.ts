// `imagenot models add --download MODEL_ID`: fetch the files a kind needs from the Hugging Face Hub into a folder.
// Only this explicit command touches the network; encoders at run time load local folders only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MODEL_FILES, type ModelKind } from './model-folder.ts';

const HUB = process.env.IMAGENOT_HF_HUB ?? 'https://huggingface.co';

export async function downloadModel(modelId: string, kind: ModelKind, dest: string, log: (msg: string) => void = () => {}): Promise<void> {
  if (!/^[\w.-]+\/[\w.-]+$/.test(modelId)) throw new Error(`'${modelId}' is not a Hugging Face model id (owner/name)`);
  for (const f of MODEL_FILES[kind]) {
    const url = `${HUB}/${modelId}/resolve/main/${f}`;
    log(`downloading ${url}`);
    let res: Response;
    try {
      res = await fetch(url);
    } catch (err) {
      throw new Error(`cannot reach ${HUB} to download ${modelId}/${f} (no network?): ${(err as Error).message}`);
    }
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
    const to = join(dest, f);
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, Buffer.from(await res.arrayBuffer()));
  }
}
