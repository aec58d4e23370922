// The text `imagenot match` prints: what the lemma rule dropped, a workspace run's summary, and a preview's changes.
import type { ResponseOf } from '../../api/contract.ts';

export type RuleFields = {
  lemmaRule: string;
  lemmasDroppedByRule: number;
  lemmasDroppedByReason: Record<string, number>;
  synsetsEmptiedByRule: number;
};
export type MatchResult = RuleFields &
  Record<
    'captions' | 'synsets' | 'lemmas' | 'synsetsWithoutLemmas' | 'matched' | 'ambiguous' | 'synsetsWithCandidates',
    number
  >;
/** A preview job's result, as the API's match.preview returns it. */
export type PreviewResult = ResponseOf<'match.preview'>;

/** One line on what the lemma rule dropped (CLI summaries). */
export function ruleLine(r: RuleFields): string {
  if (r.lemmaRule === 'none') return 'none (exact LAIONet lemmas)';
  const by = Object.entries(r.lemmasDroppedByReason)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return `default: ${r.lemmasDroppedByRule} lemmas dropped${by ? ` (${by})` : ''}, ${r.synsetsEmptiedByRule} synsets left without lemmas`;
}

export function matchText(r: MatchResult): string {
  return (
    `${r.captions} captions, ${r.synsets} synsets (${r.lemmas} lemmas, ${r.synsetsWithoutLemmas} synsets without lemmas): ` +
    `${r.matched} matched, ${r.ambiguous} ambiguous; ${r.synsetsWithCandidates} synsets have candidates\n` +
    `lemma rule: ${ruleLine(r)}\n`
  );
}

export function previewText(r: PreviewResult): string {
  const lines = [
    `preview over ${r.captions} captions (nothing written); lemma rule: ${ruleLine(r)}`,
    `            matched  ambiguous  classes`,
    `now       ${String(r.before.matched).padStart(9)}  ${String(r.before.ambiguous).padStart(9)}  ${String(r.before.classes).padStart(7)}`,
    `after run ${String(r.after.matched).padStart(9)}  ${String(r.after.ambiguous).padStart(9)}  ${String(r.after.classes).padStart(7)}`,
    `classes gained ${r.gained}, lost ${r.lost}, changed ${r.changed}; largest changes (candidates now -> after):`,
    ...r.classes
      .slice(0, 30)
      .map((c) => `  ${c.wnid} ${c.name.padEnd(28)} ${String(c.before).padStart(7)} -> ${c.after}`),
  ];
  return lines.join('\n') + '\n';
}
