// Synsets: search WordNet, see why a synset is (not) eligible, include or exclude it by hand, candidate counts; each
// lemma under the lemma rule (kept, dropped with its reason, flagged), restored or dropped by hand; the rule's review
// list; caption matching, previewed and confirmed before it replaces the candidates.
import { useEffect } from 'react';
import { useApp } from '../../store/app.ts';
import { useSynsets } from '../../store/synsets.ts';
import { onJobFinished } from '../../store/events.ts';
import { EmptyState, ErrorBox, Panel, Stat, fmtInt, onActivateKey } from '../../components/common.tsx';
import { JobList } from '../../components/JobList.tsx';
import type { SynsetView } from '../../api/types.ts';
import { LemmaChips, LemmaTable } from './Lemmas.tsx';
import { LemmaReviewPanel } from './LemmaReview.tsx';
import { RematchDialog } from './RematchDialog.tsx';

function Eligibility({ s }: { s: SynsetView }) {
  if (s.manual === 'include') return <span className="badge good">included by hand</span>;
  if (s.manual === 'exclude') return <span className="badge bad">excluded by hand</span>;
  if (s.eligible) return <span className="badge good">eligible</span>;
  return (
    <span className="badge bad" title={s.reason ?? ''}>
      {s.inImagenet1k ? 'in ImageNet-1k' : 'not eligible'}
    </span>
  );
}

export function Synsets() {
  const {
    query,
    eligibleOnly,
    results,
    searching,
    error,
    selected,
    setQuery,
    setEligibleOnly,
    search,
    select,
    setManual,
    setLemma,
    rematch,
    startMatch,
    cancelMatch,
    loadReview,
  } = useSynsets();
  const status = useApp((s) => s.status);
  const hasCandidates = (status?.matched ?? 0) + (status?.ambiguous ?? 0) > 0;

  useEffect(() => {
    void search();
    return onJobFinished((job) => {
      if (job.kind === 'match') {
        void search();
        void loadReview();
      }
    });
  }, [search, loadReview]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each keystroke (`query`) restarts the 200 ms debounce
  useEffect(() => {
    const t = setTimeout(() => void search(), 200);
    return () => clearTimeout(t);
  }, [query, search]);

  return (
    <div className="screen" data-screen="Synsets">
      <div className="stats-row">
        <Stat label="eligible synsets" value={fmtInt(status?.synsets_eligible)} />
        <Stat label="captions matched" value={fmtInt(status?.matched)} />
        <Stat label="ambiguous (dropped)" value={fmtInt(status?.ambiguous)} />
        <Stat
          label="lemmas left out by the rule"
          value={
            status?.lemma_rule === 'none'
              ? 'rule off'
              : fmtInt(status?.lemma_rule ? status.lemmas_dropped_by_rule : null)
          }
          hint="in the last match run"
        />
      </div>
      <Panel
        title="Caption matching"
        actions={
          rematch.step === 'previewing' ? (
            <button className="btn" onClick={cancelMatch}>
              Previewing… (dismiss)
            </button>
          ) : (
            <button className="btn primary" onClick={() => void startMatch(hasCandidates)}>
              {hasCandidates ? 'Re-match captions…' : 'Match captions to eligible synsets'}
            </button>
          )
        }
      >
        <p className="hint">
          A caption matches a synset when one of its lemmas occurs as a whole word (punctuation counts as a space).
          Captions matching two synsets are ambiguous and dropped. ImageNet-1k classes are never eligible. Lemmas unfit
          to name a class (function words, single letters, numerals, words mostly used as verbs or adjectives) are left
          out; see the lemma rule below.
          {hasCandidates && ' Re-matching first shows what would change and asks before it replaces the candidates.'}
        </p>
        <JobList kinds={['match', 'wordnet', 'synsets']} empty="Not run yet." limit={3} />
      </Panel>
      {rematch.step === 'confirm' && <RematchDialog preview={rematch.preview} />}
      <div className="two-col wide-left">
        <Panel
          title="WordNet nouns"
          actions={
            <label className="check">
              <input type="checkbox" checked={eligibleOnly} onChange={(e) => setEligibleOnly(e.target.checked)} />{' '}
              eligible only
            </label>
          }
        >
          <input
            className="search"
            type="search"
            placeholder="Search by word, wnid or definition (e.g. dog, n02084071)"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-label="search synsets"
          />
          <ErrorBox error={error} what="Synset search failed" />
          {!error && !searching && results.length === 0 ? (
            <EmptyState title={query ? `No synset matches “${query}”` : 'No synsets loaded'}>
              {query
                ? 'Try another word or turn off “eligible only”.'
                : 'Load WordNet into the workspace (imagenot synsets WS) and they appear here.'}
            </EmptyState>
          ) : (
            <div className="table-scroll">
              <table className="table compact clickable">
                <thead>
                  <tr>
                    <th>wnid</th>
                    <th>name</th>
                    <th>lemmas</th>
                    <th>status</th>
                    <th className="num">candidates</th>
                  </tr>
                </thead>
                <tbody>
                  {results.map((s) => (
                    <tr
                      key={s.wnid}
                      className={selected?.wnid === s.wnid ? 'active' : ''}
                      tabIndex={0}
                      onClick={() => select(s.wnid)}
                      onKeyDown={onActivateKey(() => void select(s.wnid))}
                    >
                      <td className="mono">{s.wnid}</td>
                      <td className="nowrap">{s.name}</td>
                      <td className="ellipsis">
                        <LemmaChips states={s.lemmaStates} />
                      </td>
                      <td>
                        <Eligibility s={s} />
                      </td>
                      <td className="num">{fmtInt(s.candidates)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Panel>
        <Panel title="Synset" className="sticky">
          {!selected ? (
            <div className="muted">Pick a synset on the left to see its definition, hypernyms and eligibility.</div>
          ) : (
            <div className="synset-detail">
              <h3>
                {selected.name} <span className="mono muted">{selected.wnid}</span>
              </h3>
              <p>{selected.definition}</p>
              <dl className="kv">
                <dt>lexical file</dt>
                <dd>{selected.lexname}</dd>
                <dt>depth</dt>
                <dd>{selected.depth}</dd>
                <dt>status</dt>
                <dd>
                  <Eligibility s={selected} />
                </dd>
                {selected.reason && (
                  <>
                    <dt>reason</dt>
                    <dd>{selected.reason}</dd>
                  </>
                )}
                <dt>candidates</dt>
                <dd>{fmtInt(selected.candidates)}</dd>
              </dl>
              <LemmaTable
                states={selected.lemmaStates}
                onDecide={(lemma, decision) => void setLemma(selected.wnid, lemma, decision)}
              />
              {selected.hypernymPath && selected.hypernymPath.length > 0 && (
                <div className="hypernyms">
                  {selected.hypernymPath.map((h, i) => (
                    <span key={h.wnid}>
                      {i > 0 && <span className="muted"> › </span>}
                      <button className="link-button" onClick={() => void select(h.wnid)}>
                        {h.name}
                      </button>
                    </span>
                  ))}
                </div>
              )}
              <div className="row">
                <button
                  className={`btn ${selected.manual === 'include' ? 'primary' : ''}`}
                  onClick={() => setManual(selected.wnid, 'include')}
                >
                  Include
                </button>
                <button
                  className={`btn ${selected.manual === 'exclude' ? 'danger' : ''}`}
                  onClick={() => setManual(selected.wnid, 'exclude')}
                >
                  Exclude
                </button>
                <button
                  className="btn ghost"
                  disabled={selected.manual == null}
                  onClick={() => setManual(selected.wnid, null)}
                >
                  Automatic
                </button>
              </div>
            </div>
          )}
        </Panel>
      </div>
      <LemmaReviewPanel />
    </div>
  );
}
