// The threshold: explored with the slider (every class recounts as it moves, nothing is saved) and applied to the
// workspace with a button — selection, exports and the status use the applied one. Also the text encoder (switching
// explores its similarities; one without similarities can be computed) and what "kept" means.
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { KEPT_RULE } from '../../../native-workers/api/channels/curation.ts';
import { attempt, useApp } from '../../store/app.ts';
import { useCuration } from '../../store/curation.ts';
import { fmtInt } from '../../components/common.tsx';

export function ThresholdBar({ onTools }: { onTools(): void }) {
  const c = useCuration();
  const upsertJob = useApp((s) => s.upsertJob);
  const [numberText, setNumberText] = useState<string | null>(null);
  const applied = c.settings;
  const encoderInfo = c.encoders.find((e) => e.name === c.encoder);
  const exploring = !!applied && (applied.encoder !== c.encoder || Math.abs(applied.threshold - c.threshold) > 1e-9);
  const totalKept = c.classes.reduce((n, k) => n + k.kept, 0);
  const totalCandidates = c.classes.reduce((n, k) => n + k.candidates, 0);
  const [lo, hi] = applied?.encoder === c.encoder && applied.range ? applied.range : [-0.2, 1];
  const rangeLo = Math.min(lo, c.threshold);
  const rangeHi = Math.max(hi, c.threshold);

  return (
    <div className="toolbar panel threshold-bar">
      <label className="inline">
        Text encoder
        <select value={c.encoder ?? ''} onChange={(e) => c.setEncoder(e.target.value)} disabled={!c.encoders.length} aria-label="text encoder">
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
        <button className="btn" onClick={() => attempt('start the text filter', async () => upsertJob(await api().call('filter.start', { encoder: encoderInfo.name })))}>
          Compute similarities
        </button>
      )}
      <div className="threshold">
        <span>Threshold</span>
        <input
          type="range"
          min={rangeLo}
          max={rangeHi}
          step={0.001}
          value={c.threshold}
          onChange={(e) => c.setThreshold(Number(e.target.value))}
          aria-label="threshold slider"
        />
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
      </div>
      <div className="kept-summary" title={KEPT_RULE}>
        <span className={c.countedAt !== c.threshold ? 'pulse' : ''} data-testid="kept-total" data-counted={c.countedAt ?? ''}>
          <b>{fmtInt(totalKept)}</b> of {fmtInt(totalCandidates)} kept at {c.threshold.toFixed(3)}
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
      <span className="spacer" />
      <button className="btn" disabled={!exploring} onClick={() => c.resetThreshold()} title="back to the workspace threshold">
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
      <button className="btn" onClick={onTools} title="import an encoder, compute image–caption scores, export the candidates table">
        Tools…
      </button>
    </div>
  );
}
