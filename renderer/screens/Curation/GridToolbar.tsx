// Above the grid: the filters with their counts at the explored threshold (FiftyOne-style), the sort, and bulk
// decisions on the marked candidates or on everything the filter shows — each asked for before it is applied and
// undoable as one step.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Decision, ItemFilter, SortKey } from '../../api/types.ts';
import { NEAR_BAND, useCuration } from '../../store/curation.ts';
import { fmtInt } from '../../components/common.tsx';
import { Confirm } from '../../components/Modal.tsx';

const FILTERS: { key: ItemFilter; label: string; hint: string }[] = [
  { key: 'all', label: 'All', hint: 'every candidate of the class' },
  { key: 'kept', label: 'Kept', hint: 'kept at this threshold (accepted included, rejected excluded)' },
  { key: 'dropped', label: 'Dropped', hint: 'not kept at this threshold' },
  {
    key: 'near',
    label: `Near ±${NEAR_BAND}`,
    hint: `with an image, not flagged, similarity within ${NEAR_BAND} of the threshold: where review matters most`,
  },
  { key: 'flagged', label: 'Flagged', hint: 'an NSFW or OCR flag (never kept unless accepted)' },
  { key: 'accepted', label: 'Accepted', hint: 'accepted by hand' },
  { key: 'rejected', label: 'Rejected', hint: 'rejected by hand' },
  { key: 'undecided', label: 'Undecided', hint: 'no manual decision' },
];

const VERB: Record<'accept' | 'reject' | 'clear', string> = {
  accept: 'Accept',
  reject: 'Reject',
  clear: 'Clear decisions of',
};

export function GridToolbar() {
  // Only what the toolbar shows: a slider move (threshold, class counts) does not render it again.
  const c = useCuration(
    useShallow((s) => ({
      classInfo: s.classInfo,
      marked: s.marked,
      total: s.total,
      filter: s.filter,
      sort: s.sort,
      order: s.order,
      undo: s.undo,
      selected: s.selected,
      setFilter: s.setFilter,
      clearMarks: s.clearMarks,
      undoLast: s.undoLast,
      setSort: s.setSort,
      decideMany: s.decideMany,
    })),
  );
  const [pending, setPending] = useState<{ decision: Decision; target: 'marked' | 'filter' } | null>(null);
  const threshold = useCuration((s) => (pending ? s.threshold : null));
  const facets = c.classInfo?.facets;
  const countOf = (f: ItemFilter) => (f === 'all' ? facets?.candidates : facets?.[f]);
  const reviewed = facets ? facets.accepted + facets.rejected : null;
  const n = (target: 'marked' | 'filter') => (target === 'marked' ? c.marked.size : c.total);
  const ask = (decision: Decision, target: 'marked' | 'filter') => setPending({ decision, target });

  return (
    <div className="grid-toolbar">
      <div className="filter-chips" role="tablist" aria-label="filter candidates">
        {FILTERS.map((f) => (
          <button
            key={f.key}
            role="tab"
            aria-selected={c.filter === f.key}
            className={`chip ${c.filter === f.key ? 'active' : ''}`}
            title={f.hint}
            data-filter={f.key}
            onClick={() => c.setFilter(f.key)}
          >
            {f.label} <span className="chip-count">{countOf(f.key) == null ? '…' : fmtInt(countOf(f.key))}</span>
          </button>
        ))}
      </div>
      <div className="grid-actions">
        <span className="muted small-text" data-testid="reviewed-class">
          reviewed {fmtInt(reviewed)} of {fmtInt(facets?.candidates)}
        </span>
        <span className="spacer" />
        {c.marked.size > 0 ? (
          <>
            <span className="small-text">{fmtInt(c.marked.size)} marked</span>
            <button className="btn small" onClick={() => ask('accept', 'marked')}>
              Accept
            </button>
            <button className="btn small" onClick={() => ask('reject', 'marked')}>
              Reject
            </button>
            <button className="btn small" onClick={() => ask(null, 'marked')}>
              Clear
            </button>
            <button className="btn small ghost" onClick={() => c.clearMarks()}>
              Unmark
            </button>
          </>
        ) : (
          <>
            <span className="muted small-text">all {fmtInt(c.total)} shown:</span>
            <button
              className="btn small"
              disabled={!c.total}
              onClick={() => ask('accept', 'filter')}
              data-testid="bulk-accept"
            >
              Accept
            </button>
            <button
              className="btn small"
              disabled={!c.total}
              onClick={() => ask('reject', 'filter')}
              data-testid="bulk-reject"
            >
              Reject
            </button>
            <button className="btn small" disabled={!c.total} onClick={() => ask(null, 'filter')}>
              Clear
            </button>
          </>
        )}
        <button
          className="btn small ghost"
          disabled={!c.undo.length}
          onClick={() => void c.undoLast()}
          title={c.undo.at(-1)?.label ?? 'nothing to undo'}
        >
          Undo
        </button>
        <label className="inline small-text">
          Sort
          <select value={c.sort} onChange={(e) => c.setSort(e.target.value as SortKey)} aria-label="sort candidates">
            <option value="text">text similarity</option>
            <option value="image">image similarity</option>
            <option value="id">sample id</option>
          </select>
        </label>
        <button
          className="btn small"
          onClick={() => c.setSort(c.sort, c.order === 'asc' ? 'desc' : 'asc')}
          title="toggle order"
        >
          {c.order === 'asc' ? '↑ asc' : '↓ desc'}
        </button>
      </div>
      {pending && (
        <Confirm
          title={`${VERB[pending.decision ?? 'clear']} ${fmtInt(n(pending.target))} candidate${n(pending.target) === 1 ? '' : 's'}?`}
          confirm={`${VERB[pending.decision ?? 'clear']} ${fmtInt(n(pending.target))}`}
          danger={pending.decision === 'reject'}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const p = pending;
            setPending(null);
            void c.decideMany(p.decision, p.target);
          }}
        >
          <p>
            {pending.target === 'marked'
              ? `The ${fmtInt(c.marked.size)} marked candidates of ${c.classInfo?.name ?? c.selected}`
              : `Every candidate of ${c.classInfo?.name ?? c.selected} the “${FILTERS.find((f) => f.key === c.filter)?.label}” filter shows at threshold ${threshold?.toFixed(3)} (${fmtInt(c.total)})`}{' '}
            will be{' '}
            {pending.decision === 'accept'
              ? 'accepted (kept whatever the threshold, if they have an image)'
              : pending.decision === 'reject'
                ? 'rejected (never kept)'
                : 'left to the threshold again'}
            .
          </p>
          <p className="muted small-text">One step: Undo (or U) restores every decision it changed.</p>
        </Confirm>
      )}
    </div>
  );
}
