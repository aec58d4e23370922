// Small shared pieces: empty states that say what to do next, error boxes that show the cause, progress bars, and
// the keyboard activation of elements that act like buttons.
import type { KeyboardEvent, ReactNode } from 'react';

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <div className="empty-title">{title}</div>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

export function ErrorBox({ error, what }: { error: string | null | undefined; what?: string }) {
  if (!error) return null;
  return (
    <div className="error-box" role="alert">
      <strong>{what ?? 'Something went wrong'}</strong>
      <span>{error}</span>
    </div>
  );
}

export function ProgressBar({ done, total, state }: { done: number; total: number | null; state?: string }) {
  const pct = total ? Math.min(100, (100 * done) / total) : null;
  return (
    <div
      className={`progress ${state ?? ''} ${pct == null ? 'indeterminate' : ''}`}
      role="progressbar"
      aria-valuenow={pct ?? undefined}
      aria-valuemin={0}
      aria-valuemax={100}
    >
      <div className="progress-fill" style={{ width: pct == null ? '30%' : `${pct}%` }} />
    </div>
  );
}

export function Panel({
  title,
  actions,
  children,
  className,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`panel ${className ?? ''}`}>
      {(title || actions) && (
        <header className="panel-head">
          {title && <h2>{title}</h2>}
          {actions && <div className="panel-actions">{actions}</div>}
        </header>
      )}
      <div className="panel-body">{children}</div>
    </section>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <div className="stat" title={hint}>
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
    </div>
  );
}

/** One formatter for every count: `Number.prototype.toLocaleString` builds a new formatter on every call, which
 * the class list and histogram paid some hundred times per slider move (3-4 ms of a move at 1M candidates). */
const INT = new Intl.NumberFormat('en-US');
export const fmtInt = (n: number | null | undefined) => (n == null ? '–' : INT.format(n));
export const fmt = (n: number | null | undefined, digits = 3) =>
  n == null || !Number.isFinite(n) ? '–' : n.toFixed(digits);
export const fmtPct = (n: number | null | undefined, digits = 1) => (n == null ? '–' : `${n.toFixed(digits)}%`);

/** Enter or Space on a focused element that acts like a button (a clickable row or list option) runs its action,
 * as they would on a <button>; keys from the controls inside it (a row's own buttons) are theirs. The key goes no
 * further, so a screen's own shortcuts (Enter opens the grid's cursor in Curation) do not act on it as well. */
export function onActivateKey(run: () => void) {
  return (e: KeyboardEvent) => {
    if (e.target !== e.currentTarget || (e.key !== 'Enter' && e.key !== ' ')) return;
    e.preventDefault();
    e.stopPropagation();
    run();
  };
}
