// Curation: the threshold (slider and number, recounting every class live), the selected class's similarity
// histogram with the threshold line, and a windowed grid of its images. Keyboard: arrows move, A accepts,
// R rejects, U undoes. Decisions are saved as they are made.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import { attempt, useApp } from '../../store/app.ts';
import { useCuration, type SortKey } from '../../store/curation.ts';
import { onJobFinished } from '../../store/events.ts';
import { EmptyState, ErrorBox, Panel, fmtInt } from '../../components/common.tsx';
import { Histogram } from '../../components/Histogram.tsx';
import { ThumbGrid } from '../../components/ThumbGrid.tsx';
import { JobList } from '../../components/JobList.tsx';

const FILTER_KINDS = ['filter', 'clipscore', 'thumbs'];

/** Whether a key belongs to the focused control rather than the grid: text fields take every key; sliders,
 * checkboxes and selects take the arrows, so A/R/U still decide right after moving the threshold. */
function ownedByControl(target: EventTarget | null, key: string): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.tagName === 'TEXTAREA' || el.isContentEditable) return true;
  if (el.tagName === 'SELECT') return key.startsWith('Arrow');
  if (el.tagName === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return ['range', 'checkbox', 'radio', 'button'].includes(type) ? key.startsWith('Arrow') : true;
  }
  return false;
}

export function Curation() {
  const c = useCuration();
  const upsertJob = useApp((s) => s.upsertJob);
  const columns = useRef(1);
  const [classFilter, setClassFilter] = useState('');
  const [numberText, setNumberText] = useState<string | null>(null);

  useEffect(() => {
    void useCuration.getState().init();
    return onJobFinished((job) => {
      if (FILTER_KINDS.includes(job.kind) || ['match', 'fetch', 'flags', 'nsfw', 'ocr'].includes(job.kind)) void useCuration.getState().init();
    });
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (ownedByControl(e.target, e.key) || e.ctrlKey || e.metaKey || e.altKey) return;
      const s = useCuration.getState();
      const moves: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns.current, ArrowDown: columns.current };
      if (e.key in moves) {
        e.preventDefault();
        s.setCursor(s.cursor + moves[e.key]);
      } else if (e.key === 'a' || e.key === 'A') void s.decide('accept');
      else if (e.key === 'r' || e.key === 'R') void s.decide('reject');
      else if (e.key === 'u' || e.key === 'U') void s.undoLast();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onNeed = useCallback((start: number, end: number) => useCuration.getState().ensureRange(start, end), []);
  const onColumns = useCallback((n: number) => {
    columns.current = n;
  }, []);

  const selectedClass = c.classes.find((k) => k.wnid === c.selected);
  const shown = classFilter ? c.classes.filter((k) => `${k.name} ${k.wnid}`.toLowerCase().includes(classFilter.toLowerCase())) : c.classes;
  const totalKept = c.classes.reduce((n, k) => n + k.kept, 0);
  const totalCandidates = c.classes.reduce((n, k) => n + k.candidates, 0);
  const current = c.items[c.cursor];

  return (
    <div className="screen curation" data-screen="Curation">
      <div className="toolbar panel">
        <label className="inline">
          Text encoder
          <select value={c.encoder ?? ''} onChange={(e) => c.setEncoder(e.target.value)} disabled={!c.encoders.length}>
            {c.encoders.length === 0 && <option value="">none</option>}
            {c.encoders.map((e) => (
              <option key={e.name} value={e.name}>{e.name}</option>
            ))}
          </select>
        </label>
        <button className="btn" disabled={!c.encoder} onClick={() => attempt('start the text filter', async () => upsertJob(await api().call('filter.start', { encoder: c.encoder! })))}>
          Compute similarities
        </button>
        <div className="threshold">
          <span>Threshold</span>
          <input type="range" min={-0.2} max={1} step={0.001} value={c.threshold} onChange={(e) => c.setThreshold(Number(e.target.value))} aria-label="threshold slider" />
          <input
            type="number"
            className="threshold-number"
            min={-1}
            max={1}
            step={0.01}
            value={numberText ?? c.threshold.toFixed(3)}
            aria-label="threshold value"
            onChange={(e) => {
              setNumberText(e.target.value);
              const v = Number(e.target.value);
              if (e.target.value !== '' && Number.isFinite(v)) c.setThreshold(v);
            }}
            onBlur={() => setNumberText(null)}
          />
          <span className={`muted small-text ${c.counting ? 'pulse' : ''}`} data-testid="kept-total">
            {fmtInt(totalKept)} of {fmtInt(totalCandidates)} kept
          </span>
        </div>
        <span className="spacer" />
        <label className="inline">
          Sort
          <select value={c.sort} onChange={(e) => c.setSort(e.target.value as SortKey)}>
            <option value="text">text similarity</option>
            <option value="image">image similarity</option>
            <option value="id">sample id</option>
          </select>
        </label>
        <button className="btn small" onClick={() => c.setSort(c.sort, c.order === 'asc' ? 'desc' : 'asc')} title="toggle order">
          {c.order === 'asc' ? '↑ asc' : '↓ desc'}
        </button>
      </div>
      <JobList kinds={FILTER_KINDS} limit={2} unfinished />
      <ErrorBox error={c.classesError} what="Could not count classes" />
      {c.ready && !c.classesError && c.classes.length === 0 ? (
        <EmptyState title="No candidate classes yet">
          Curation needs captions matched to synsets (Synsets → Match captions) and their similarities (Compute
          similarities above). Then every class shows how many of its images pass the threshold.
        </EmptyState>
      ) : (
        <div className="curation-body">
          <div className="class-list panel">
            <input className="search" type="search" placeholder="Filter classes" value={classFilter} onChange={(e) => setClassFilter(e.target.value)} aria-label="filter classes" />
            <div className="class-scroll" role="listbox" aria-label="classes">
              {shown.map((k) => (
                <div
                  key={k.wnid}
                  role="option"
                  aria-selected={k.wnid === c.selected}
                  className={`class-item ${k.wnid === c.selected ? 'active' : ''}`}
                  data-wnid={k.wnid}
                  data-kept={k.kept}
                  onClick={() => c.selectClass(k.wnid)}
                >
                  <div className="class-name">
                    <span>{k.name}</span>
                    <span className="class-count">
                      <b>{fmtInt(k.kept)}</b> / {fmtInt(k.candidates)}
                    </span>
                  </div>
                  <div className="mini-bar">
                    <div style={{ width: `${k.candidates ? (100 * k.kept) / k.candidates : 0}%` }} />
                  </div>
                </div>
              ))}
            </div>
          </div>
          <div className="curation-main">
            <Panel
              title={selectedClass ? <>{selectedClass.name} <span className="mono muted">{selectedClass.wnid}</span></> : 'Pick a class'}
              actions={selectedClass && <span className="muted small-text">{fmtInt(selectedClass.kept)} kept of {fmtInt(selectedClass.candidates)} at {c.threshold.toFixed(3)}</span>}
            >
              <ErrorBox error={c.histogramError} what="Could not load the histogram" />
              {c.histogram && <Histogram data={c.histogram} threshold={c.threshold} />}
            </Panel>
            <div className="grid-panel panel">
              <div className="grid-head">
                <span className="muted small-text">
                  {c.total ? `${fmtInt(c.cursor + 1)} of ${fmtInt(c.total)}` : 'no items'}
                  {current ? ` · sample ${current.sampleId}` : ''}
                </span>
                <span className="keys">
                  <kbd>←↑→↓</kbd> move <kbd>A</kbd> accept <kbd>R</kbd> reject <kbd>U</kbd> undo
                </span>
              </div>
              <ErrorBox error={c.itemsError} what="Could not load images" />
              {c.selected && <ThumbGrid total={c.total} items={c.items} version={c.itemsVersion} cursor={c.cursor} onCursor={c.setCursor} onNeed={onNeed} onColumns={onColumns} />}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
