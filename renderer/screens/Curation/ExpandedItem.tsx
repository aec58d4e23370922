// One candidate in full (click or Enter on the grid): the stored image at size, the whole caption with the matched
// lemma highlighted, its URL, the source file and row it came from, both similarities, why it is kept or dropped,
// its flags and every decision made on it. ← → move through the grid, A / R decide, U undoes, Esc closes.
import { api } from '../../api/client.ts';
import { useCuration } from '../../store/curation.ts';
import { Modal } from '../../components/Modal.tsx';
import { Caption } from '../../components/Caption.tsx';
import { CopyPath } from '../../components/CopyPath.tsx';
import { keptReasonText } from '../../components/ThumbGrid.tsx';
import { ErrorBox, fmt } from '../../components/common.tsx';

export function ExpandedItem() {
  const d = useCuration((s) => s.expanded);
  const error = useCuration((s) => s.expandedError);
  const cursor = useCuration((s) => s.cursor);
  const total = useCuration((s) => s.total);
  const threshold = useCuration((s) => s.threshold);
  const expand = useCuration((s) => s.expand);
  const decide = useCuration((s) => s.decide);
  if (!d && !error) return null;
  const close = () => void expand(null);
  return (
    <Modal title={d ? `Sample ${d.sampleId}` : 'Sample'} onClose={close} wide>
      <ErrorBox error={error} what="Could not load this candidate" />
      {d && (
        <div className="expanded" data-testid="expanded" data-sample-id={d.sampleId}>
          <div className="expanded-image">
            {(d.image ?? d.thumb) ? (
              <img
                src={api().mediaUrl((d.image ?? d.thumb)!)}
                alt={d.caption}
                className={(d.width ?? 999) < 128 ? 'small' : ''}
              />
            ) : (
              <div className="no-thumb">no image stored</div>
            )}
            {d.width && d.height && (
              <div className="muted small-text">
                {d.width} × {d.height}
              </div>
            )}
          </div>
          <div className="expanded-facts">
            <p className="expanded-caption">
              <Caption text={d.caption} lemmas={d.lemmas} />
            </p>
            <div className={`badge ${d.kept ? 'good' : 'bad'}`} data-testid="expanded-kept">
              {keptReasonText(d.keptReason)} at {threshold.toFixed(3)}
            </div>
            <dl className="kv">
              <dt>matched</dt>
              <dd>{d.lemmas.join(', ') || '–'}</dd>
              <dt>text sim.</dt>
              <dd>{fmt(d.textSimilarity)}</dd>
              <dt>image sim.</dt>
              <dd>{d.imageSimilarity == null ? '– (no CLIP image scores)' : fmt(d.imageSimilarity)}</dd>
              <dt>URL</dt>
              <dd>
                {d.url ? (
                  <a href={d.url} target="_blank" rel="noreferrer noopener" className="url">
                    {d.url}
                  </a>
                ) : (
                  '–'
                )}
              </dd>
              <dt>source</dt>
              <dd>
                <CopyPath path={d.source.path} />{' '}
                <span className="muted small-text">
                  row {d.source.row} ({d.source.kind})
                </span>
              </dd>
              <dt>NSFW metadata</dt>
              <dd>{d.nsfwMeta ?? '–'}</dd>
              <dt>flags</dt>
              <dd>
                {d.flagRows.length === 0
                  ? 'none checked yet'
                  : d.flagRows.map((f) => (
                      <div key={f.kind} className="small-text">
                        <span className={f.flagged ? 'flag' : 'muted'}>{f.kind}</span> {f.flagged ? 'flagged' : 'clear'}
                        {f.score != null && ` (score ${fmt(f.score)})`}
                        {f.detail && (
                          <span className="muted" title={f.detail}>
                            {' '}
                            {f.detail.length > 80 ? `${f.detail.slice(0, 80)}…` : f.detail}
                          </span>
                        )}
                      </div>
                    ))}
              </dd>
              <dt>decisions</dt>
              <dd data-testid="history">
                {d.history.length === 0
                  ? 'none'
                  : d.history.map((h, i) => (
                      <div key={i} className="small-text">
                        {new Date(h.at).toLocaleString()}: {h.decision ?? 'cleared'}
                        {h.previous ? ` (was ${h.previous})` : ''}
                        {h.batchSize > 1 ? ` · bulk of ${h.batchSize}` : ''}
                      </div>
                    ))}
              </dd>
            </dl>
            <div className="row">
              <button className="btn" disabled={cursor <= 0} onClick={() => void expand(cursor - 1)}>
                ← Previous
              </button>
              <button className="btn" disabled={cursor >= total - 1} onClick={() => void expand(cursor + 1)}>
                Next →
              </button>
              <span className="spacer" />
              <button className="btn" onClick={() => void decide(d.decision === 'accept' ? null : 'accept')}>
                {d.decision === 'accept' ? 'Clear accept' : 'Accept (A)'}
              </button>
              <button className="btn danger" onClick={() => void decide(d.decision === 'reject' ? null : 'reject')}>
                {d.decision === 'reject' ? 'Clear reject' : 'Reject (R)'}
              </button>
            </div>
          </div>
        </div>
      )}
    </Modal>
  );
}
