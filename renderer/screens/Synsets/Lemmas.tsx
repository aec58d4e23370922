// How the lemma rule and the workspace's overrides treat a synset's lemmas: compact chips for the search table, a
// table with reasons and keep/drop buttons for the selected synset.
import type { LemmaState } from '../../api/types.ts';

const STATUS_TEXT: Record<LemmaState['status'], string> = {
  kept: 'matched',
  dropped: 'dropped',
  shared: 'shared (ambiguous)',
  unmatchable: 'never matches',
};

function flagged(l: LemmaState): boolean {
  return l.status === 'kept' && l.ruleFlags.length > 0;
}

/** One lemma as a chip: struck through when matching leaves it out, marked when the rule flags it. */
export function LemmaChips({ states }: { states: LemmaState[] }) {
  return (
    <span className="lemma-chips">
      {states.map((l, i) => (
        <span
          key={`${l.lemma}-${i}`}
          className={`lemma-chip lemma-${l.status}${flagged(l) ? ' lemma-flagged' : ''}${l.override ? ' lemma-overridden' : ''}`}
          title={l.reason ?? (flagged(l) ? `flagged: ${l.ruleReason}` : STATUS_TEXT[l.status])}
          data-lemma={l.lemma}
          data-status={l.status}
        >
          {l.lemma}
          {flagged(l) && (
            <span role="img" aria-label="flagged">
              {' '}
              ⚠
            </span>
          )}
        </span>
      ))}
    </span>
  );
}

function StatusBadge({ l }: { l: LemmaState }) {
  const cls = l.status === 'kept' ? (flagged(l) ? 'warn' : 'good') : l.status === 'dropped' ? 'bad' : '';
  return <span className={`badge ${cls}`}>{flagged(l) ? 'matched, flagged' : STATUS_TEXT[l.status]}</span>;
}

/** Every lemma of the selected synset with what happens to it and why, and the per-workspace override buttons. */
export function LemmaTable({
  states,
  onDecide,
}: {
  states: LemmaState[];
  onDecide(lemma: string, decision: LemmaState['override']): void;
}) {
  return (
    <table className="table compact lemma-table" aria-label="lemmas">
      <thead>
        <tr>
          <th>lemma</th>
          <th>in matching</th>
          <th>why</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {states.map((l, i) => (
          <tr key={`${l.lemma}-${i}`} data-lemma={l.lemma} data-status={l.status}>
            <td className="nowrap">{l.lemma}</td>
            <td>
              <StatusBadge l={l} />
            </td>
            <td className="muted">
              {l.reason ?? (flagged(l) ? l.ruleReason : '')}
              {l.override && (
                <div>
                  {l.override === 'keep' ? `restored by hand (the rule: ${l.ruleReason ?? 'keep'})` : 'dropped by hand'}
                </div>
              )}
            </td>
            <td className="nowrap">
              {l.override ? (
                <button
                  className="btn small ghost"
                  onClick={() => onDecide(l.lemma, null)}
                  title="back to the rule's verdict"
                >
                  Use rule
                </button>
              ) : l.ruleDrop ? (
                <button className="btn small" onClick={() => onDecide(l.lemma, 'keep')}>
                  Restore
                </button>
              ) : (
                <button className="btn small" onClick={() => onDecide(l.lemma, 'drop')}>
                  Drop
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
