// The threshold: explored with the slider (every class recounts as it moves, nothing is saved) and applied to the
// workspace with a button — selection, exports and the status use the applied one. Also the text encoder (switching
// explores its similarities; one without similarities can be computed) and what "kept" means.
// A slider move renders only the slider and the numbers once its counts arrive (every part subscribes to what it
// shows), so one move costs one small render on input and one when the counts come back.
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../../api/client.ts';
import { KEPT_RULE } from '../../../native-workers/api/channels/curation.ts';
import { attempt, useApp } from '../../store/app.ts';
import { useCuration } from '../../store/curation.ts';
import { fmtInt } from '../../components/common.tsx';

export function ThresholdBar({ onTools }: { onTools(): void }) {
  const c = useCuration(
    useShallow((s) => ({
      settings: s.settings,
      encoders: s.encoders,
      encoder: s.encoder,
      setEncoder: s.setEncoder,
      resetThreshold: s.resetThreshold,
      applyThreshold: s.applyThreshold,
      exploring:
        !!s.settings && (s.settings.encoder !== s.encoder || Math.abs(s.settings.threshold - s.threshold) > 1e-9),
    })),
  );
  const upsertJob = useApp((s) => s.upsertJob);
  const encoderInfo = c.encoders.find((e) => e.name === c.encoder);
  const exploring = c.exploring;

  return (
    <div className="toolbar panel threshold-bar">
      <label className="inline">
        Text encoder
        <select
          value={c.encoder ?? ''}
          onChange={(e) => c.setEncoder(e.target.value)}
          disabled={!c.encoders.length}
          aria-label="text encoder"
        >
          {c.encoders.length === 0 && <option value="">none</option>}
          {c.encoders.map((e) => (
            <option key={e.name} value={e.name}>
              {e.name}
              {e.kind !== e.name ? ` (${e.kind})` : ''}
              {e.computed ? '' : ' – not computed'}
            </option>
          ))}
        </select>
      </label>
      {encoderInfo && !encoderInfo.computed && (
        <button
          className="btn"
          onClick={() =>
            attempt('start the text filter', async () =>
              upsertJob(await api().call('filter.start', { encoder: encoderInfo.name })),
            )
          }
        >
          Compute similarities
        </button>
      )}
      <ThresholdInput />
      <KeptSummary />
      <span className="spacer" />
      <button
        className="btn"
        disabled={!exploring}
        onClick={() => c.resetThreshold()}
        title="back to the workspace threshold"
      >
        Reset
      </button>
      <button
        className="btn primary"
        disabled={!exploring || !encoderInfo?.computed}
        onClick={() => void c.applyThreshold()}
        title="use this threshold (and encoder) for selection, status and exports; a selection made before becomes stale"
      >
        Apply to workspace
      </button>
      <button
        className="btn"
        onClick={onTools}
        title="import an encoder, compute image–caption scores, export the candidates table"
      >
        Tools…
      </button>
    </div>
  );
}

/** The slider and the number box: what renders on every input event. */
function ThresholdInput() {
  const threshold = useCuration((s) => s.threshold);
  const setThreshold = useCuration((s) => s.setThreshold);
  const range = useCuration((s) => (s.settings?.encoder === s.encoder ? s.settings.range : null));
  const [numberText, setNumberText] = useState<string | null>(null);
  const [lo, hi] = range ?? [-0.2, 1];
  return (
    <div className="threshold">
      <span>Threshold</span>
      <input
        type="range"
        min={Math.min(lo, threshold)}
        max={Math.max(hi, threshold)}
        step={0.001}
        value={threshold}
        onChange={(e) => setThreshold(Number(e.target.value))}
        aria-label="threshold slider"
      />
      <input
        type="number"
        className="threshold-number"
        min={-1}
        max={1}
        step={0.01}
        value={numberText ?? threshold.toFixed(3)}
        aria-label="threshold value"
        onChange={(e) => {
          setNumberText(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(v)) setThreshold(v);
        }}
        onBlur={() => setNumberText(null)}
      />
    </div>
  );
}

/** Kept of all classes at the threshold they were counted at (pulsing while a newer threshold is being counted). */
function KeptSummary() {
  const c = useCuration(
    useShallow((s) => ({
      classes: s.classes,
      countedAt: s.countedAt,
      current: s.current,
      settings: s.settings,
      encoder: s.encoder,
      behind: s.countedAt !== s.threshold,
    })),
  );
  const applied = c.settings;
  const shownAt = c.countedAt;
  const exploring =
    !!applied && (applied.encoder !== c.encoder || shownAt == null || Math.abs(applied.threshold - shownAt) > 1e-9);
  const totalKept = useMemo(() => c.classes.reduce((n, k) => n + k.kept, 0), [c.classes]);
  const totalCandidates = useMemo(() => c.classes.reduce((n, k) => n + k.candidates, 0), [c.classes]);
  return (
    <div className="kept-summary" title={KEPT_RULE}>
      <span className={c.behind ? 'pulse' : ''} data-testid="kept-total" data-counted={c.countedAt ?? ''}>
        <b>{fmtInt(totalKept)}</b> of {fmtInt(totalCandidates)} kept at {shownAt == null ? '…' : shownAt.toFixed(3)}
      </span>
      <span className="muted small-text" data-testid="workspace-threshold">
        {applied
          ? exploring
            ? `exploring · workspace: ${applied.encoder} ${applied.threshold} (${fmtInt(applied.kept)} kept)`
            : `= workspace threshold (${applied.encoder})`
          : 'no text filter yet'}
        {!c.current && ' · counts from a moment ago (a job is changing the data)'}
      </span>
    </div>
  );
}
