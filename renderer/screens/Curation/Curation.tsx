// Curation: the threshold (explored with the slider, every class recounting live; applied to the workspace on
// request), the class list in a stable order, the selected class's definition and histogram, and a windowed grid of
// its candidates with captions, filters and bulk decisions. Keyboard: arrows move, Enter opens the candidate, Space
// marks it, A accepts, R rejects, U undoes, Esc closes.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useCuration } from '../../store/curation.ts';
import { onJobFinished } from '../../store/events.ts';
import { EmptyState, ErrorBox, fmtInt } from '../../components/common.tsx';
import { ThumbGrid } from '../../components/ThumbGrid.tsx';
import { JobList } from '../../components/JobList.tsx';
import { ThresholdBar } from './ThresholdBar.tsx';
import { ClassList } from './ClassList.tsx';
import { ClassHeader } from './ClassHeader.tsx';
import { GridToolbar } from './GridToolbar.tsx';
import { ExpandedItem } from './ExpandedItem.tsx';
import { EncoderTools } from './EncoderTools.tsx';

const FILTER_KINDS = ['filter', 'clipscore', 'thumbs', 'model-import'];
const REFRESH_KINDS = [...FILTER_KINDS, 'match', 'fetch', 'flags', 'nsfw', 'ocr'];

/** Whether a key belongs to the focused control rather than the grid: text fields take every key; sliders,
 * checkboxes and selects take the arrows, so A/R/U still decide right after moving the threshold. */
function ownedByControl(target: EventTarget | null, key: string): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.tagName === 'TEXTAREA' || el.isContentEditable) return true;
  if (el.tagName === 'SELECT') return key.startsWith('Arrow');
  if (el.tagName === 'BUTTON') return key === 'Enter' || key === ' ';
  if (el.tagName === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return ['range', 'checkbox', 'radio', 'button'].includes(type) ? key.startsWith('Arrow') || key === ' ' : true;
  }
  return false;
}

export function Curation() {
  const ready = useCuration((s) => s.ready);
  const classesError = useCuration((s) => s.classesError);
  const classCount = useCuration((s) => s.classes.length);
  const selected = useCuration((s) => s.selected);
  const total = useCuration((s) => s.total);
  const classTotal = useCuration((s) => s.classTotal);
  const items = useCuration((s) => s.items);
  const itemsVersion = useCuration((s) => s.itemsVersion);
  const itemsError = useCuration((s) => s.itemsError);
  const itemsLoaded = useCuration((s) => s.itemsLoaded);
  const cursor = useCuration((s) => s.cursor);
  const marked = useCuration((s) => s.marked);
  const filter = useCuration((s) => s.filter);
  const columns = useRef(1);
  const [tools, setTools] = useState(false);

  useEffect(() => {
    void useCuration.getState().init();
    return onJobFinished((job) => {
      if (REFRESH_KINDS.includes(job.kind)) void useCuration.getState().init();
    });
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (ownedByControl(e.target, e.key) || e.ctrlKey || e.metaKey || e.altKey) return;
      const s = useCuration.getState();
      const open = !!s.expanded;
      // Another dialog (a confirmation, the tools) takes the keys while it is open.
      if (document.querySelectorAll('.modal-backdrop').length > (open ? 1 : 0)) return;
      const moves: Record<string, number> = open
        ? { ArrowLeft: -1, ArrowRight: 1 }
        : { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns.current, ArrowDown: columns.current };
      if (e.key in moves) {
        e.preventDefault();
        s.setCursor(s.cursor + moves[e.key]);
        if (open) void s.expand(useCuration.getState().cursor);
      } else if (e.key === 'Enter' && !open) {
        e.preventDefault();
        void s.expand(s.cursor);
      } else if (e.key === ' ' && !open) {
        e.preventDefault();
        s.toggleMark(s.cursor);
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
  const onOpen = useCallback((i: number) => void useCuration.getState().expand(i), []);
  const onMark = useCallback((i: number) => useCuration.getState().toggleMark(i), []);

  return (
    <div className="screen curation" data-screen="Curation">
      <ThresholdBar onTools={() => setTools(true)} />
      <JobList kinds={FILTER_KINDS} limit={2} unfinished />
      <ErrorBox error={classesError} what="Could not count classes" />
      {ready && !classesError && classCount === 0 ? (
        <EmptyState title="No candidate classes yet">
          Curation needs captions matched to synsets (Synsets → Match captions) and their similarities (Compute
          similarities above). Then every class shows how many of its images pass the threshold.
        </EmptyState>
      ) : (
        <div className="curation-body">
          <ClassList />
          <div className="curation-main">
            <ClassHeader />
            <div className="grid-panel panel">
              <GridToolbar />
              <div className="grid-head">
                <span className="muted small-text" data-testid="grid-position">
                  {total
                    ? `${fmtInt(cursor + 1)} of ${fmtInt(total)}`
                    : itemsLoaded
                      ? 'no candidates pass this filter'
                      : 'loading…'}
                  {filter !== 'all' && classTotal ? ` (filtered from ${fmtInt(classTotal)})` : ''}
                </span>
                <span className="keys">
                  <kbd>←↑→↓</kbd> move <kbd>Enter</kbd> open <kbd>Space</kbd> mark <kbd>A</kbd> accept <kbd>R</kbd>{' '}
                  reject <kbd>U</kbd> undo · shift-click marks
                </span>
              </div>
              <ErrorBox error={itemsError} what="Could not load images" />
              {selected && (
                <ThumbGrid
                  total={total}
                  items={items}
                  version={itemsVersion}
                  cursor={cursor}
                  marked={marked}
                  onOpen={onOpen}
                  onMark={onMark}
                  onNeed={onNeed}
                  onColumns={onColumns}
                />
              )}
            </div>
          </div>
        </div>
      )}
      <ExpandedItem />
      {tools && <EncoderTools onClose={() => setTools(false)} />}
    </div>
  );
}
