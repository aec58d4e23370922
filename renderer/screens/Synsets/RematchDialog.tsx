// Before a new match run replaces the workspace's candidates: what it would change (matched, ambiguous, classes
// gained and lost, candidates per class), and whether to re-run the text filter after it so that Curation scores the
// new candidates.
import { useState } from 'react';
import type { MatchPreview } from '../../api/types.ts';
import { useSynsets } from '../../store/synsets.ts';
import { useApp } from '../../store/app.ts';
import { fmtInt } from '../../components/common.tsx';

function Delta({ before, after }: { before: number; after: number }) {
  const d = after - before;
  return (
    <span className={d > 0 ? 'delta-up' : d < 0 ? 'delta-down' : 'muted'}>
      {d > 0 ? `+${fmtInt(d)}` : d < 0 ? `−${fmtInt(-d)}` : '±0'}
    </span>
  );
}

export function RematchDialog({ preview }: { preview: MatchPreview }) {
  const { confirmMatch, cancelMatch } = useSynsets();
  const encoder = useApp((s) => s.status?.text_encoder ?? null);
  const [refilter, setRefilter] = useState(encoder != null);
  const rows: [string, keyof MatchPreview['before']][] = [
    ['captions matched (candidates)', 'matched'],
    ['ambiguous (dropped)', 'ambiguous'],
    ['classes with candidates', 'classes'],
  ];
  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="rematch-title" data-dialog="rematch">
        <h2 id="rematch-title">Replace the workspace's candidates?</h2>
        <p className="hint">
          Matching {fmtInt(preview.captions)} captions against {fmtInt(preview.chosen)} eligible synsets
          {preview.lemmaRule === 'default'
            ? `, ${fmtInt(preview.lemmasDroppedByRule)} lemmas left out by the lemma rule`
            : ' with no lemma rule'}
          . A run replaces every candidate; decisions on candidates that stay are kept.
        </p>
        <table className="table compact" aria-label="match totals">
          <thead>
            <tr>
              <th />
              <th className="num">now</th>
              <th className="num">after</th>
              <th className="num">change</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, key]) => (
              <tr key={key} data-total={key}>
                <td>{label}</td>
                <td className="num">{fmtInt(preview.before[key])}</td>
                <td className="num">{fmtInt(preview.after[key])}</td>
                <td className="num">
                  <Delta before={preview.before[key]} after={preview.after[key]} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <strong data-count="gained">{fmtInt(preview.gained)}</strong> classes gained,{' '}
          <strong data-count="lost">{fmtInt(preview.lost)}</strong> lost, {fmtInt(preview.changed)} change their
          candidates{preview.classes.length < preview.changed ? ` (largest ${preview.classes.length} below)` : ''}.
        </p>
        <div className="table-scroll dialog-scroll">
          <table className="table compact" aria-label="class changes">
            <thead>
              <tr>
                <th>class</th>
                <th className="num">now</th>
                <th className="num">after</th>
                <th className="num">change</th>
              </tr>
            </thead>
            <tbody>
              {preview.classes.map((c) => (
                <tr key={c.wnid} data-wnid={c.wnid}>
                  <td className="nowrap">
                    {c.name} <span className="mono muted">{c.wnid}</span>{' '}
                    {c.before === 0 ? (
                      <span className="badge good">new</span>
                    ) : c.after === 0 ? (
                      <span className="badge bad">lost</span>
                    ) : null}
                  </td>
                  <td className="num">{fmtInt(c.before)}</td>
                  <td className="num">{fmtInt(c.after)}</td>
                  <td className="num">
                    <Delta before={c.before} after={c.after} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {encoder && (
          <label className="check">
            <input type="checkbox" checked={refilter} onChange={(e) => setRefilter(e.target.checked)} /> then re-run the
            text filter ({encoder}) so Curation scores the new candidates
          </label>
        )}
        <div className="row dialog-actions">
          <button className="btn ghost" onClick={cancelMatch}>
            Keep the current candidates
          </button>
          <button className="btn primary" onClick={() => void confirmMatch(refilter && encoder ? { encoder } : null)}>
            Replace candidates
          </button>
        </div>
      </div>
    </div>
  );
}
