// The class list: thousands of classes in a windowed list, in an order that stays put while the threshold moves
// (orders by counts are taken when chosen), filtered by name or wnid, each with kept / candidates and how many of its
// candidates have been reviewed. A slider move changes only kept counts: the shown order is not recomputed (it
// depends on the class list, not on the counts) and rows whose counts did not change are not rendered again.
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ClassCount } from '../../api/types.ts';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCuration, type ClassOrder } from '../../store/curation.ts';
import { fmtInt, onActivateKey } from '../../components/common.tsx';

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
  const virtual = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_H,
    overscan: 8,
  });
  // The list is one Tab stop (the row last moved to, else the open class, else the first row drawn); the arrows, Home
  // and End move the focus along the shown order, and Enter or Space opens the focused class.
  const [focusWnid, setFocusWnid] = useState<string | null>(null);
  const rows = virtual.getVirtualItems();
  const drawn = rows.map((row) => classes[shown[row.index]].wnid);
  const tabStop = [focusWnid, selected].find((w) => w != null && drawn.includes(w)) ?? drawn[0];
  // Read through refs, so that the rows' key handler stays the same object and a recount re-renders no unchanged row.
  const shownNow = useRef(shown);
  shownNow.current = shown;
  const virtualNow = useRef(virtual);
  virtualNow.current = virtual;
  const focusPending = useRef<string | null>(null);
  const onStep = useCallback((wnid: string, e: KeyboardEvent) => {
    const steps: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: 10,
      PageUp: -10,
      Home: -Infinity,
      End: Infinity,
    };
    if (!(e.key in steps) || e.target !== e.currentTarget) return;
    // The arrows are the list's: Curation's own arrows move the grid's cursor.
    e.preventDefault();
    e.stopPropagation();
    const list = useCuration.getState().classes;
    const order = shownNow.current;
    const at = order.findIndex((i) => list[i].wnid === wnid);
    const to = Math.max(0, Math.min(order.length - 1, at + steps[e.key]));
    const target = list[order[to]].wnid;
    setFocusWnid(target);
    virtualNow.current.scrollToIndex(to, { align: 'auto' });
    focusPending.current = target;
  }, []);
  // The row moved to takes the focus once it is drawn (a jump scrolls first, and the row appears a render later).
  useEffect(() => {
    const el =
      focusPending.current && scroller.current?.querySelector<HTMLElement>(`[data-wnid="${focusPending.current}"]`);
    if (!el) return;
    focusPending.current = null;
    el.focus({ preventScroll: true });
  });

  return (
    <div className="class-list panel">
      <div className="class-list-head">
        <input
          className="search"
          type="search"
          placeholder={`Filter ${fmtInt(classes.length)} classes`}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          aria-label="filter classes"
        />
        <select
          value={classOrder}
          onChange={(e) => setClassOrder(e.target.value as ClassOrder)}
          aria-label="order classes by"
          title="orders by counts are taken now and stay while the threshold moves"
        >
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
            return (
              <ClassRow
                key={k.wnid}
                k={k}
                top={row.start}
                active={k.wnid === selected}
                tabStop={k.wnid === tabStop}
                onSelect={selectClass}
                onStep={onStep}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** One class: re-rendered only when its counts, place, selection or tab stop change (a recount keeps unchanged
 * ClassCounts). Enter or Space opens the class, as a click does. */
interface ClassRowProps {
  k: ClassCount;
  top: number;
  active: boolean;
  tabStop: boolean;
  onSelect(wnid: string): void;
  onStep(wnid: string, e: KeyboardEvent): void;
}

const ClassRow = memo(function ClassRow({ k, top, active, tabStop, onSelect, onStep }: ClassRowProps) {
  const open = onActivateKey(() => onSelect(k.wnid));
  return (
    <div
      role="option"
      aria-selected={active}
      className={`class-item ${active ? 'active' : ''}`}
      data-wnid={k.wnid}
      data-kept={k.kept}
      style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_H - 2, transform: `translateY(${top}px)` }}
      tabIndex={tabStop ? 0 : -1}
      // A click opens the class without taking the focus, so the arrows keep moving the grid's cursor after it.
      onMouseDown={(e) => e.preventDefault()}
      onClick={() => onSelect(k.wnid)}
      onKeyDown={(e) => {
        open(e);
        onStep(k.wnid, e);
      }}
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
