// Dataset: flag NSFW/text-heavy images, choose the classes and the seeded train/test split (the form starts from what
// the workspace can supply, previews what it will do, and asks before replacing the current selection), see the
// class ranking with what the selection was made with, export it, and find the exports (path, provenance, stale).
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { KEPT_RULE } from '../../../native-workers/api/channels/curation.ts';
import { attempt, useApp } from '../../store/app.ts';
import { formRequest, useDataset, type SelectForm } from '../../store/dataset.ts';
import { onJobFinished } from '../../store/events.ts';
import type { SelectionInfo } from '../../api/types.ts';
import { EmptyState, ErrorBox, Panel, Stat, fmt, fmtInt } from '../../components/common.tsx';
import { JobList } from '../../components/JobList.tsx';
import { Confirm } from '../../components/Modal.tsx';
import { CopyPath } from '../../components/CopyPath.tsx';

const SELECT_KINDS = ['select'];
const FLAG_KINDS = ['flags', 'nsfw', 'ocr'];
const EXPORT_KINDS = ['export'];
const REFRESH_KINDS = [...SELECT_KINDS, ...EXPORT_KINDS, ...FLAG_KINDS, 'filter', 'fetch'];

const SCORE_MODES: Record<string, string> = {
  image: 'ranked by mean image–caption similarity (CLIP)',
  text: 'ranked by mean caption–class text similarity',
  count: 'ranked by kept images (no CLIP image scores yet)',
};

function madeWith(s: { encoder: string | null; threshold: number | null; seed: number | null }): string {
  return `${s.encoder ?? '?'} threshold ${s.threshold ?? '?'}, seed ${s.seed ?? '?'}`;
}

function Stale({ reasons }: { reasons: string[] }) {
  if (!reasons.length) return <span className="badge good">matches the workspace</span>;
  return (
    <div className="hint warn stale" data-testid="stale">
      <b>Stale:</b> {reasons.join('; ')}.
    </div>
  );
}

function SelectionSummary({ s }: { s: SelectionInfo }) {
  return (
    <div className="selection-summary" data-testid="selection-summary">
      <div>
        <b>Selection #{s.id}</b> · {madeWith(s)} · {fmtInt(s.classes)} classes, {fmtInt(s.train)} train /{' '}
        {fmtInt(s.test)} test
        {s.trainPerClass != null && ` (${s.trainPerClass} + ${s.testPerClass} per class)`} ·{' '}
        {new Date(s.createdAt).toLocaleString()}
      </div>
      <Stale reasons={s.stale} />
    </div>
  );
}

export function Dataset() {
  const d = useDataset();
  const status = useApp((s) => s.status);
  const upsertJob = useApp((s) => s.upsertJob);
  const [exportOpts, setExportOpts] = useState<{ format: 'imagefolder' | 'webdataset'; size: string }>({
    format: 'imagefolder',
    size: '',
  });
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    void useDataset.getState().load();
    void useDataset.getState().prefill();
    return onJobFinished((job) => {
      if (!REFRESH_KINDS.includes(job.kind)) return;
      void useDataset.getState().load();
      if (job.kind === 'select' && job.state === 'succeeded') void useDataset.getState().prefill();
    });
  }, []);

  const form = d.form;
  const preview = d.preview;
  const empty = preview != null && preview.selectedClasses === 0;
  const runSelect = () =>
    attempt('select classes', async () => {
      if (form) upsertJob(await api().call('dataset.select', formRequest(form)));
    });
  const field = (key: keyof SelectForm, label: string, hint: string) => (
    <label title={hint}>
      {label}
      <input
        type="number"
        value={form?.[key] ?? ''}
        disabled={!form}
        onChange={(e) => form && d.setForm({ ...form, [key]: e.target.value })}
        aria-label={label}
      />
    </label>
  );
  const latestExport = d.exports[0];

  return (
    <div className="screen" data-screen="Dataset">
      <div className="stats-row">
        <Stat label="classes selected" value={fmtInt(status?.classes_selected)} />
        <Stat label="train images" value={fmtInt(status?.train_images)} />
        <Stat label="test images" value={fmtInt(status?.test_images)} />
        <Stat
          label={
            status?.text_encoder ? `kept at ${status.threshold} (${status.text_encoder})` : 'kept (no text filter yet)'
          }
          value={fmtInt(status?.kept)}
          hint={`${KEPT_RULE}. Above the threshold before flags, images and decisions: ${fmtInt(status?.above_threshold)}.`}
        />
      </div>
      <div className="three-col">
        <Panel title="Flags">
          <p className="hint">
            Mark NSFW images (metadata + classifier) and images that are mostly text (OCR). Flags mark, never delete; a
            flagged image is not kept unless accepted by hand.
          </p>
          <div className="row">
            <button
              className="btn"
              onClick={() =>
                attempt('flag NSFW', async () => upsertJob(await api().call('flags.start', { kind: 'nsfw' })))
              }
            >
              Flag NSFW
            </button>
            <button
              className="btn"
              onClick={() =>
                attempt('flag text', async () => upsertJob(await api().call('flags.start', { kind: 'ocr' })))
              }
            >
              Flag text (OCR)
            </button>
          </div>
          <JobList kinds={FLAG_KINDS} limit={2} />
        </Panel>
        <Panel title="Selection">
          <p className="hint">
            Ranks classes by image–caption similarity and keeps those with enough kept images for a train and test
            split, drawn with the seed.
          </p>
          <div className="form-grid">
            {field('threshold', 'Threshold', 'text similarity threshold; empty = the workspace one')}
            {field('classes', 'Classes', 'at most this many classes')}
            {field('train', 'Train / class', 'training images per class')}
            {field('test', 'Test / class', 'test images per class')}
            {field('seed', 'Seed', 'seed of the split')}
          </div>
          {d.suggestion && <div className="muted small-text">Filled in from {d.suggestion.basis}.</div>}
          <ErrorBox error={d.previewError} what="Cannot preview" />
          {preview && (
            <div className={`preview ${empty ? 'hint warn' : 'hint'}`} data-testid="select-preview">
              {empty ? (
                <>
                  <b>Nothing to select:</b> no class has {fmtInt(preview.train + preview.test)} kept images at{' '}
                  {preview.threshold} ({preview.encoder}); {fmtInt(preview.classesWithKept)} classes have any. Lower the
                  images per class or the threshold.
                </>
              ) : (
                <>
                  Would select <b>{fmtInt(preview.selectedClasses)}</b> classes ({fmtInt(preview.classesEligible)} have
                  ≥ {fmtInt(preview.train + preview.test)} kept images at {preview.threshold}, {preview.encoder}):{' '}
                  {fmtInt(preview.trainImages)} train + {fmtInt(preview.testImages)} test images (fewer if duplicate
                  images are found).
                  {preview.current &&
                    ` Replaces selection #${preview.current.id} (${fmtInt(preview.current.classes)} classes, ${fmtInt(preview.current.train)} / ${fmtInt(preview.current.test)}).`}
                </>
              )}
            </div>
          )}
          <div className="row">
            <span className="spacer" />
            <button
              className="btn primary"
              disabled={!form || !preview || empty}
              onClick={() => (preview?.current ? setConfirming(true) : void runSelect())}
            >
              Select classes{preview?.current ? '…' : ''}
            </button>
          </div>
          <JobList kinds={SELECT_KINDS} limit={2} />
        </Panel>
        <Panel title="Export">
          <p className="hint">
            Writes the latest selection's split to exports/ with dataset.json (seed, threshold, encoders) and a manifest
            recording every image's source, URL and caption.
          </p>
          <div className="form-grid">
            <label>
              Format
              <select
                value={exportOpts.format}
                onChange={(e) =>
                  setExportOpts({ ...exportOpts, format: e.target.value as 'imagefolder' | 'webdataset' })
                }
              >
                <option value="imagefolder">image folders</option>
                <option value="webdataset">webdataset tars</option>
              </select>
            </label>
            <label title="resize the shorter side to this many pixels (default 224)">
              Image size (px)
              <input
                type="number"
                value={exportOpts.size}
                placeholder="224"
                onChange={(e) => setExportOpts({ ...exportOpts, size: e.target.value })}
              />
            </label>
          </div>
          {d.selection && (
            <div className="muted small-text">
              Exports selection #{d.selection.id} ({madeWith(d.selection)})
              {d.selection.stale.length ? ' — stale, see below' : ''}.
            </div>
          )}
          <div className="row">
            <span className="spacer" />
            <button
              className="btn primary"
              disabled={!d.selection}
              onClick={() =>
                attempt('export', async () =>
                  upsertJob(
                    await api().call('dataset.export', {
                      format: exportOpts.format,
                      ...(exportOpts.size ? { size: Number(exportOpts.size) } : {}),
                    }),
                  ),
                )
              }
            >
              Export
            </button>
          </div>
          <JobList kinds={EXPORT_KINDS} limit={1} />
          {latestExport && (
            <div className="export-item" data-testid="latest-export">
              <CopyPath path={latestExport.out} label="latest:" />
              <div className="muted small-text">
                selection #{latestExport.selectionId} · {madeWith(latestExport)} · {latestExport.format}{' '}
                {latestExport.size}px · {fmtInt(latestExport.train)} train / {fmtInt(latestExport.test)} test
              </div>
              {latestExport.stale.length > 0 && <Stale reasons={latestExport.stale} />}
            </div>
          )}
        </Panel>
      </div>
      <Panel
        title={d.selection ? `Class ranking (selection #${d.selection.id})` : 'Class ranking'}
        actions={
          d.scoreMode && (
            <span className="muted small-text">{SCORE_MODES[d.scoreMode] ?? `ranked by ${d.scoreMode}`}</span>
          )
        }
      >
        <ErrorBox error={d.error} what="Could not load the selection" />
        {d.selection && <SelectionSummary s={d.selection} />}
        {d.loaded && !d.error && d.classes.length === 0 ? (
          <EmptyState title="No selection yet">
            Set the parameters above and press “Select classes”. The ranked classes and their train/test counts appear
            here.
          </EmptyState>
        ) : (
          d.classes.length > 0 && (
            <div className="table-scroll tall">
              <table className="table compact">
                <thead>
                  <tr>
                    <th className="num">rank</th>
                    <th>wnid</th>
                    <th>class</th>
                    <th className="num">score</th>
                    <th className="num">kept</th>
                    <th className="num">train</th>
                    <th className="num">test</th>
                  </tr>
                </thead>
                <tbody>
                  {d.classes.map((k) => (
                    <tr key={k.wnid}>
                      <td className="num">{k.rank}</td>
                      <td className="mono">{k.wnid}</td>
                      <td>{k.name}</td>
                      <td className="num">{fmt(k.score, 4)}</td>
                      <td className="num">{fmtInt(k.kept)}</td>
                      <td className="num">{fmtInt(k.train)}</td>
                      <td className="num">{fmtInt(k.test)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        )}
      </Panel>
      {d.exports.length > 1 && (
        <Panel title={`Exports (${d.exports.length})`}>
          <table className="table compact">
            <thead>
              <tr>
                <th>folder</th>
                <th>selection</th>
                <th>made with</th>
                <th className="num">train</th>
                <th className="num">test</th>
                <th>state</th>
              </tr>
            </thead>
            <tbody>
              {d.exports.map((e) => (
                <tr key={e.jobId}>
                  <td>
                    <CopyPath path={e.out} />
                  </td>
                  <td>#{e.selectionId}</td>
                  <td>{madeWith(e)}</td>
                  <td className="num">{fmtInt(e.train)}</td>
                  <td className="num">{fmtInt(e.test)}</td>
                  <td>
                    {e.stale.length ? (
                      <span className="badge state-interrupted" title={e.stale.join('; ')}>
                        stale
                      </span>
                    ) : (
                      <span className="badge good">current</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      )}
      {confirming && preview?.current && (
        <Confirm
          title={`Replace selection #${preview.current.id}?`}
          confirm={`Select ${fmtInt(preview.selectedClasses)} classes`}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void runSelect();
          }}
        >
          <p>
            The new selection ({fmtInt(preview.selectedClasses)} classes, {fmtInt(preview.trainImages)} train +{' '}
            {fmtInt(preview.testImages)} test at {preview.threshold}, seed {preview.seed}) becomes the one exports and
            training use. Selection #{preview.current.id} ({fmtInt(preview.current.classes)} classes,{' '}
            {madeWith(preview.current)}) stays in the workspace, and its exports stay on disk.
          </p>
        </Confirm>
      )}
    </div>
  );
}
