// Encoders of a workspace: the built-in glove and the imported models, with their default thresholds and whether
// the text filter has similarities for them (importing is workers/model-import.ts).
import { defaultThreshold, GLOVE_ENCODER, type EncoderKind } from '../../core/similarity/thresholds.ts';
import { listModels } from '../../store/models.ts';
import { hasTextSimilarities } from '../../store/text-similarities.ts';
import type { Workspace } from '../../store/workspace.ts';

export interface EncoderInfo {
  name: string;
  kind: EncoderKind;
  defaultThreshold: number;
  computed: boolean;
}

export function listEncoders(ws: Workspace): EncoderInfo[] {
  const computed = { has: (name: string) => hasTextSimilarities(ws.db, name) };
  const out: EncoderInfo[] = [
    {
      name: GLOVE_ENCODER,
      kind: 'glove',
      defaultThreshold: defaultThreshold('glove'),
      computed: computed.has(GLOVE_ENCODER),
    },
  ];
  for (const m of listModels(ws.db)) {
    if (m.kind === 'clip' || m.kind === 'sentence')
      out.push({
        name: m.name,
        kind: m.kind,
        defaultThreshold: defaultThreshold(m.kind),
        computed: computed.has(m.name),
      });
  }
  return out;
}

export function defaultThresholdOf(ws: Workspace, encoder: string): number {
  const e = listEncoders(ws).find((x) => x.name === encoder);
  if (!e)
    throw new Error(
      `unknown encoder '${encoder}' (known: ${listEncoders(ws)
        .map((x) => x.name)
        .join(', ')})`,
    );
  return e.defaultThreshold;
}
