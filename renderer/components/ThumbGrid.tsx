// A windowed grid of thumbnails: only the rows on screen exist in the DOM (via @tanstack/react-virtual), and pages
// of items are fetched as they scroll into view, so 100k items scroll as smoothly as 100. Each cell has a fixed
// layout — the image fitted inside its box, then three caption lines with the matched lemma highlighted, then the
// scores — so nothing overlaps the caption whatever the image's size. For assistive technology and the keyboard the grid
// is a listbox of candidates (marked ones selected): Tab reaches the cursor's cell, the focus follows the cursor, and
// Enter opens the cell, Space marks it.
import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { CurationItem } from '../api/types.ts';
import { api } from '../api/client.ts';
import { Caption } from './Caption.tsx';

const CELL_W = 200;
/** Thumbnail 150 + caption 3 x 16 + margins + score line + borders, and the row gap. */
const CELL_H = 240;
const ROW_GAP = 10;

export interface ThumbGridProps {
  total: number;
  items: Record<number, CurationItem>;
  version: number;
  cursor: number;
  marked: ReadonlySet<number>;
  /** Click (or Enter on the cursor): open the expanded view. */
  onOpen(i: number): void;
  /** Shift/Ctrl/Cmd-click (or Space on the cursor): mark for a bulk action. */
  onMark(i: number): void;
  onNeed(start: number, end: number): void;
  onColumns?(n: number): void;
}

export function ThumbGrid({
  total,
  items,
  version,
  cursor,
  marked,
  onOpen,
  onMark,
  onNeed,
  onColumns,
}: ThumbGridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);
  const columns = Math.max(1, Math.floor((width - 12) / CELL_W));
  // Cells stretch so a row fills the width (10 px gaps, 6 px padding each side).
  const cellWidth = Math.floor((width - 12 - (columns - 1) * 10) / columns);
  useEffect(() => {
    onColumns?.(columns);
  }, [columns, onColumns]);
  const rows = Math.ceil(total / columns);
  const virtual = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => CELL_H + ROW_GAP,
    overscan: 3,
  });
  const visible = virtual.getVirtualItems();
  const first = visible[0]?.index ?? 0;
  const last = visible.at(-1)?.index ?? 0;
  // Pages are asked for once the visible range rests (40 ms): a fast scroll across 100k items requests only
  // where it stops, not every page it passed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` moves when the items change under the same range, so the pages are asked for again
  useEffect(() => {
    if (total <= 0) return;
    const timer = setTimeout(() => onNeed(first * columns, (last + 1) * columns), 40);
    return () => clearTimeout(timer);
  }, [first, last, columns, total, version, onNeed]);
  // Keep the keyboard cursor in view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the virtualizer is a new object each render; scrolling follows the cursor only
  useEffect(() => {
    if (total > 0) virtual.scrollToIndex(Math.floor(cursor / columns), { align: 'auto' });
  }, [cursor, columns, total]);

  return (
    <div
      className="grid-scroller"
      ref={scroller}
      data-total={total}
      role="listbox"
      aria-label="candidates"
      aria-multiselectable
    >
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {visible.map((row) => (
          <div key={row.key} className="grid-row" style={{ transform: `translateY(${row.start}px)`, height: CELL_H }}>
            {Array.from({ length: columns }, (_, c) => {
              const index = row.index * columns + c;
              if (index >= total) return null;
              const item = items[index];
              return (
                <Cell
                  key={index}
                  index={index}
                  width={cellWidth}
                  item={item}
                  selected={index === cursor}
                  marked={!!item && marked.has(item.sampleId)}
                  onOpen={onOpen}
                  onMark={onMark}
                />
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

const REASON: Record<CurationItem['keptReason'], string> = {
  kept: 'kept: above the threshold',
  accepted: 'kept: accepted by hand',
  rejected: 'dropped: rejected by hand',
  'no-image': 'dropped: no image',
  flagged: 'dropped: NSFW/OCR flag',
  'below-threshold': 'dropped: not above the threshold',
  'no-similarity': 'dropped: no text similarity yet',
};

export function keptReasonText(r: CurationItem['keptReason']): string {
  return REASON[r];
}

interface CellProps {
  index: number;
  width: number;
  item: CurationItem | undefined;
  selected: boolean;
  marked: boolean;
  onOpen(i: number): void;
  onMark(i: number): void;
}

const Cell = memo(function Cell({ index, width, item, selected, marked, onOpen, onMark }: CellProps) {
  const box = useRef<HTMLDivElement>(null);
  // The focus follows the cursor once it is in the grid: arrows move the cursor (Curation's keys), and Enter or Space
  // then act on the cell that shows it.
  useEffect(() => {
    const focused = document.activeElement;
    if (
      selected &&
      box.current &&
      focused !== box.current &&
      focused?.closest('.grid-scroller') === box.current.closest('.grid-scroller')
    ) {
      box.current.focus({ preventScroll: true });
    }
  }, [selected]);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    e.stopPropagation();
    if (e.key === 'Enter') onOpen(index);
    else onMark(index);
  };
  if (!item) {
    return (
      <div
        ref={box}
        className="cell loading"
        style={{ width, height: CELL_H }}
        role="option"
        aria-selected={false}
        aria-busy
        tabIndex={selected ? 0 : -1}
      />
    );
  }
  const cls = [
    'cell',
    selected ? 'selected' : '',
    marked ? 'marked' : '',
    item.decision ? `decision-${item.decision}` : '',
    item.kept ? 'kept' : 'dropped',
  ].join(' ');
  return (
    <div
      className={cls}
      style={{ width, height: CELL_H }}
      ref={box}
      role="option"
      aria-selected={marked}
      tabIndex={selected ? 0 : -1}
      onClick={(e) => (e.shiftKey || e.ctrlKey || e.metaKey ? onMark(index) : onOpen(index))}
      onKeyDown={onKeyDown}
      data-index={index}
      data-sample-id={item.sampleId}
      data-decision={item.decision ?? ''}
      data-kept={item.kept ? '1' : '0'}
      title={keptReasonText(item.keptReason)}
    >
      <div className="thumb">
        {item.thumb ? (
          <img src={api().mediaUrl(item.thumb)} alt="" loading="lazy" draggable={false} />
        ) : (
          <div className="no-thumb">
            {item.url ? (
              <>
                not fetched yet
                <br />
                {hostOf(item.url)}
              </>
            ) : (
              'no image'
            )}
          </div>
        )}
        {item.decision && (
          <span className={`decision-tag ${item.decision}`}>
            {item.decision === 'accept' ? 'accepted' : 'rejected'}
          </span>
        )}
        {marked && <span className="mark-tag">✓</span>}
      </div>
      <Caption className="caption" text={item.caption} lemmas={item.lemmas} />
      <div className="cell-meta">
        <span title="caption ↔ class text similarity">
          txt {item.textSimilarity == null ? '–' : item.textSimilarity.toFixed(3)}
        </span>
        <span title="image ↔ caption similarity (CLIP)">
          img {item.imageSimilarity == null ? '–' : item.imageSimilarity.toFixed(3)}
        </span>
        {item.flags.map((f) => (
          <span key={f} className="flag">
            {f}
          </span>
        ))}
      </div>
    </div>
  );
});
