// The lemma rule's review: lemmas it flags (kept, worth a look), lemmas it drops, lemmas overridden in this
// workspace; most candidates first, each with its reason and a keep/drop button.
import { useEffect } from 'react';
import type { ReviewKind } from '../../api/types.ts';
import { useSynsets } from '../../store/synsets.ts';
import { ErrorBox, Panel, fmtInt, onActivateKey } from '../../components/common.tsx';

const KINDS: { kind: ReviewKind; label: string }[] = [
  { kind: 'flagged', label: 'Flagged' },
  { kind: 'dropped', label: 'Dropped' },
  { kind: 'overridden', label: 'Changed by hand' },
];

export function LemmaReviewPanel() {
  const { review, reviewKind, reviewError, loadReview, select, setLemma } = useSynsets();
  useEffect(() => {
    void loadReview();
  }, [loadReview]);
  const counts = review?.counts;
  const countOf = (k: ReviewKind) => counts?.totals[k] ?? null;
  const breakdown =
    counts && (reviewKind === 'dropped' ? counts.dropped : reviewKind === 'flagged' ? counts.flagged : null);
  return (
    <Panel
      title="Lemma rule"
      className="lemma-review"
      actions={
        <div className="row" role="tablist">
          {KINDS.map(({ kind, label }) => (
            <button
              key={kind}
              role="tab"
              aria-selected={reviewKind === kind}
              className={`btn small ${reviewKind === kind ? 'primary' : ''}`}
              onClick={() => void loadReview(kind)}
            >
              {label} {countOf(kind) != null && <span data-count={kind}>{fmtInt(countOf(kind))}</span>}
            </button>
          ))}
        </div>
      }
    >
      <p className="hint">
        Over all WordNet nouns, function words (<i>in</i>, <i>at</i>), one-letter lemmas (<i>a</i>) and words mostly
        used as verbs or adjectives (<i>walking</i>, <i>brown</i>) would become classes and make most captions
        ambiguous. Matching the eligible set leaves them out, each for a reason from WordNet's own data; a synset keeps
        its other lemmas. Restore or drop a lemma here; it takes effect at the next match.
      </p>
      {breakdown && Object.keys(breakdown).length > 0 && (
        <div className="row muted small-text">
          {Object.entries(breakdown).map(([code, n]) => (
            <span key={code} className="badge">
              {code} {fmtInt(n)}
            </span>
          ))}
        </div>
      )}
      <ErrorBox error={reviewError} what="Lemma review failed" />
      <div className="table-scroll review-scroll">
        <table className="table compact clickable" aria-label="lemma review">
          <thead>
            <tr>
              <th>lemma</th>
              <th>synset</th>
              <th>why</th>
              <th className="num">candidates</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {review?.items.map((it) => (
              <tr
                key={`${it.wnid}/${it.lemma}`}
                data-lemma={it.lemma}
                data-wnid={it.wnid}
                tabIndex={0}
                // The row opens its synset; its own buttons (Use rule, Restore, Drop) only do what they say.
                onClick={(e) => {
                  if (!(e.target as HTMLElement).closest('button')) void select(it.wnid);
                }}
                onKeyDown={onActivateKey(() => void select(it.wnid))}
              >
                <td className="nowrap">{it.lemma}</td>
                <td className="nowrap">
                  {it.name} <span className="mono muted">{it.wnid}</span>
                </td>
                <td className="muted">
                  {it.override
                    ? `${it.override === 'keep' ? 'restored' : 'dropped'} by hand; the rule: ${it.ruleReason ?? 'keep'}`
                    : (it.reason ?? it.ruleReason)}
                </td>
                <td className="num">{fmtInt(it.candidates)}</td>
                <td className="nowrap">
                  {it.override ? (
                    <button className="btn small ghost" onClick={() => void setLemma(it.wnid, it.lemma, null)}>
                      Use rule
                    </button>
                  ) : it.status === 'dropped' ? (
                    <button className="btn small" onClick={() => void setLemma(it.wnid, it.lemma, 'keep')}>
                      Restore
                    </button>
                  ) : (
                    <button className="btn small" onClick={() => void setLemma(it.wnid, it.lemma, 'drop')}>
                      Drop
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {review && review.total > review.items.length && (
          <div className="muted small-text">
            showing {review.items.length} of {fmtInt(review.total)}
          </div>
        )}
      </div>
    </Panel>
  );
}
