// A windowed grid of thumbnails: only the rows on screen exist in the DOM (via @tanstack/react-virtual), and pages
// of items are fetched as they scroll into view, so 100k items scroll as smoothly as 100.
import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { CurationItem } from '../api/types.ts';
import { api } from '../api/client.ts';

const CELL_W = 190;
const CELL_H = 258;

export interface ThumbGridProps {
  total: number;
  items: Record<number, CurationItem>;
  version: number;
  cursor: number;
  onCursor(i: number): void;
  onNeed(start: number, end: number): void;
  onColumns?(n: number): void;
}

export function ThumbGrid({ total, items, version, cursor, onCursor, onNeed, onColumns }: ThumbGridProps) {
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
  const virtual = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => CELL_H, overscan: 3 });
  const visible = virtual.getVirtualItems();
  const first = visible[0]?.index ?? 0;
  const last = visible.at(-1)?.index ?? 0;
  // Pages are asked for once the visible range rests (40 ms): a fast scroll across 100k items requests only
  // where it stops, not every page it passed.
  useEffect(() => {
    if (total <= 0) return;
    const timer = setTimeout(() => onNeed(first * columns, (last + 1) * columns), 40);
    return () => clearTimeout(timer);
  }, [first, last, columns, total, version, onNeed]);
  // Keep the keyboard cursor in view.
  useEffect(() => {
    if (total > 0) virtual.scrollToIndex(Math.floor(cursor / columns), { align: 'auto' });
  }, [cursor, columns, total]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className="grid-scroller" ref={scroller} data-total={total}>
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {visible.map((row) => (
          <div key={row.key} className="grid-row" style={{ transform: `translateY(${row.start}px)`, height: CELL_H }}>
            {Array.from({ length: columns }, (_, c) => {
              const index = row.index * columns + c;
              if (index >= total) return null;
              return <Cell key={index} index={index} width={cellWidth} item={items[index]} selected={index === cursor} onClick={() => onCursor(index)} />;
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

function Cell({ index, width, item, selected, onClick }: { index: number; width: number; item: CurationItem | undefined; selected: boolean; onClick(): void }) {
  if (!item) return <div className="cell loading" style={{ width }} />;
  const cls = ['cell', selected ? 'selected' : '', item.decision ? `decision-${item.decision}` : '', item.kept ? 'kept' : 'dropped'].join(' ');
  return (
    <div className={cls} style={{ width }} onClick={onClick} data-index={index} data-sample-id={item.sampleId} data-decision={item.decision ?? ''}>
      <div className="thumb">
        {item.thumb ? <img src={api().mediaUrl(item.thumb)} alt="" loading="lazy" draggable={false} /> : <div className="no-thumb">{item.url ? <>not fetched yet<br />{hostOf(item.url)}</> : 'no image'}</div>}
        {item.decision && <span className={`decision-tag ${item.decision}`}>{item.decision === 'accept' ? 'accepted' : 'rejected'}</span>}
      </div>
      <div className="caption" title={item.caption}>
        {item.caption}
      </div>
      <div className="cell-meta">
        <span title="caption ↔ class text similarity">txt {item.textSimilarity == null ? '–' : item.textSimilarity.toFixed(3)}</span>
        <span title="image ↔ caption similarity">img {item.imageSimilarity == null ? '–' : item.imageSimilarity.toFixed(3)}</span>
        {item.flags.map((f) => (
          <span key={f} className="flag">
            {f}
          </span>
        ))}
      </div>
    </div>
  );
}
