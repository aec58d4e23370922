// The class list: thousands of classes in a windowed list, in an order that stays put while the threshold moves
// (orders by counts are taken when chosen), filtered by name or wnid, each with kept / candidates and how many of its
// candidates have been reviewed. A slider move changes only kept counts: the shown order is not recomputed (it
// depends on the class list, not on the counts) and rows whose counts did not change are not rendered again.
import { memo, useMemo, useRef, useState } from 'react';
import type { ClassCount } from '../../api/types.ts';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCuration, type ClassOrder } from '../../store/curation.ts';
import { fmtInt } from '../../components/common.tsx';

const ROW_H = 46;

export function ClassList() {
  const classes = useCuration((s) => s.classes);
  const position = useCuration((s) => s.classPosition);
  const orderedWnids = useCuration((s) => s.orderedWnids);
  const classOrder = useCuration((s) => s.classOrder);
  const selected = useCuration((s) => s.selected);
  const setClassOrder = useCuration((s) => s.setClassOrder);
  const selectClass = useCuration((s) => s.selectClass);
  const [query, setQuery] = useState('');
  // Positions in `classes` of the shown classes, in the chosen order and filtered by the search.
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    // Names and wnids change only with a new class list, which also gives a new `position`.
    const list = useCuration.getState().classes;
    const all = orderedWnids.map((w) => position.get(w)).filter((i): i is number => i != null);
    return q ? all.filter((i) => `${list[i].name} ${list[i].wnid}`.toLowerCase().includes(q)) : all;
  }, [orderedWnids, position, query]);
  const reviewed = useMemo(() => classes.reduce((n, c) => n + c.decided, 0), [classes]);
  const candidates = useMemo(() => classes.reduce((n, c) => n + c.candidates, 0), [classes]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_H, overscan: 8 });

  return (
    <div className="class-list panel">
      <div className="class-list-head">
        <input className="search" type="search" placeholder={`Filter ${fmtInt(classes.length)} classes`} value={query} onChange={(e) => setQuery(e.target.value)} aria-label="filter classes" />
        <select value={classOrder} onChange={(e) => setClassOrder(e.target.value as ClassOrder)} aria-label="order classes by" title="orders by counts are taken now and stay while the threshold moves">
          <option value="candidates">most candidates</option>
          <option value="kept">most kept (now)</option>
          <option value="share">kept share (now)</option>
          <option value="unreviewed">most unreviewed</option>
          <option value="name">name</option>
        </select>
      </div>
      <div className="muted small-text" data-testid="reviewed-total">
        reviewed {fmtInt(reviewed)} of {fmtInt(candidates)} candidates
      </div>
      <div className="class-scroll" role="listbox" aria-label="classes" ref={scroller}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((row) => {
            const k = classes[shown[row.index]];
            return <ClassRow key={k.wnid} k={k} top={row.start} active={k.wnid === selected} onSelect={selectClass} />;
          })}
        </div>
      </div>
    </div>
  );
}

/** One class: re-rendered only when its counts, place or selection change (a recount keeps unchanged ClassCounts). */
const ClassRow = memo(function ClassRow({ k, top, active, onSelect }: { k: ClassCount; top: number; active: boolean; onSelect(wnid: string): void }) {
  return (
    <div
      role="option"
      aria-selected={active}
      className={`class-item ${active ? 'active' : ''}`}
      data-wnid={k.wnid}
      data-kept={k.kept}
      style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_H - 2, transform: `translateY(${top}px)` }}
      onClick={() => onSelect(k.wnid)}
      title={`${k.wnid}: ${fmtInt(k.kept)} kept of ${fmtInt(k.candidates)}, ${fmtInt(k.decided)} reviewed`}
    >
      <div className="class-name">
        <span>{k.name}</span>
        <span className="class-count">
          <b>{fmtInt(k.kept)}</b> / {fmtInt(k.candidates)}
        </span>
      </div>
      <div className="mini-bar">
        <div style={{ width: `${k.candidates ? (100 * k.kept) / k.candidates : 0}%` }} />
        {k.decided > 0 && <div className="reviewed" style={{ width: `${(100 * k.decided) / k.candidates}%` }} />}
      </div>
    </div>
  );
});
