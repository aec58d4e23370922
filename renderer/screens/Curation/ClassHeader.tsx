// The selected class: its name, wnid, WordNet definition and lemmas (what its captions were matched on), what is kept
// at the explored threshold and how much is reviewed, next to its similarity histogram.
import { KEPT_RULE } from '../../../native-workers/api/channels/curation.ts';
import { useCuration } from '../../store/curation.ts';
import { ErrorBox, fmtInt } from '../../components/common.tsx';
import { Histogram } from '../../components/Histogram.tsx';

export function ClassHeader() {
  const selected = useCuration((s) => s.selected);
  const info = useCuration((s) => s.classInfo);
  const count = useCuration((s) => s.classes.find((k) => k.wnid === s.selected));
  // The threshold the shown counts were taken at: the line and the kept figure move together, once per recount.
  const threshold = useCuration((s) => s.countedAt ?? s.threshold);
  const histogram = useCuration((s) => s.histogram);
  const histogramError = useCuration((s) => s.histogramError);
  const name = info?.name ?? count?.name;
  if (!selected) return <section className="panel class-header empty-header muted">Pick a class on the left.</section>;
  return (
    <section className="panel class-header">
      <div className="class-facts">
        <h2>
          {name} <span className="mono muted">{selected}</span>
        </h2>
        <p className="definition" data-testid="class-definition">
          {info ? info.definition || <span className="muted">(no definition)</span> : <span className="muted">…</span>}
        </p>
        {info && info.lemmas.length > 0 && (
          <div className="lemmas small-text">
            matched on
            {info.lemmas.map((l) => (
              <mark key={l} className="lemma">
                {l}
              </mark>
            ))}
          </div>
        )}
        {count && (
          <div className="small-text" title={KEPT_RULE} data-testid="class-kept">
            <b>{fmtInt(count.kept)}</b> kept of {fmtInt(count.candidates)} at {threshold.toFixed(3)} · reviewed{' '}
            {fmtInt(count.decided)}
          </div>
        )}
        <div className="muted small-text">{KEPT_RULE}.</div>
      </div>
      <div
        className="class-histogram"
        title={`Bars count candidates with an image and no NSFW/OCR flag; blue ones are above the threshold. ${KEPT_RULE}.`}
      >
        <ErrorBox error={histogramError} what="Could not load the histogram" />
        {histogram && <Histogram data={histogram} threshold={threshold} />}
      </div>
    </section>
  );
}
