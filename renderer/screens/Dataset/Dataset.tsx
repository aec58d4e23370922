// Dataset: flag NSFW/text-heavy images, choose the classes and the seeded train/test split, see the class ranking,
// export the dataset with provenance.
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { attempt, useApp } from '../../store/app.ts';
import { useDataset } from '../../store/dataset.ts';
import { onJobFinished } from '../../store/events.ts';
import { EmptyState, ErrorBox, Panel, Stat, fmt, fmtInt } from '../../components/common.tsx';
import { JobList } from '../../components/JobList.tsx';

const SELECT_KINDS = ['select'];
const FLAG_KINDS = ['flags', 'nsfw', 'ocr'];
const EXPORT_KINDS = ['export'];

const SCORE_MODES: Record<string, string> = {
  image: 'ranked by mean image–caption similarity (CLIP)',
  text: 'ranked by mean caption–class text similarity',
  count: 'ranked by kept images (no CLIP image scores yet)',
};

function optionalNumber(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

export function Dataset() {
  const { selectionId, scoreMode, classes, error, loaded, load } = useDataset();
  const status = useApp((s) => s.status);
  const upsertJob = useApp((s) => s.upsertJob);
  const [params, setParams] = useState({ threshold: '', classes: '1000', train: '1000', test: '100', seed: '0' });
  const [exportOpts, setExportOpts] = useState<{ format: 'imagefolder' | 'webdataset'; size: string }>({ format: 'imagefolder', size: '' });

  useEffect(() => {
    void load();
    return onJobFinished((job) => {
      if (SELECT_KINDS.includes(job.kind)) void load();
    });
  }, [load]);

  const select = () =>
    attempt('select classes', async () => {
      const req = {
        threshold: optionalNumber(params.threshold),
        classes: optionalNumber(params.classes),
        train: optionalNumber(params.train),
        test: optionalNumber(params.test),
        seed: optionalNumber(params.seed),
      };
      upsertJob(await api().call('dataset.select', Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined))));
    });
  const field = (key: keyof typeof params, label: string, hint: string) => (
    <label title={hint}>
      {label}
      <input type="number" value={params[key]} placeholder={key === 'threshold' ? `${status?.threshold ?? 'current'}` : ''} onChange={(e) => setParams({ ...params, [key]: e.target.value })} />
    </label>
  );

  return (
    <div className="screen" data-screen="Dataset">
      <div className="stats-row">
        <Stat label="classes selected" value={fmtInt(status?.classes_selected)} />
        <Stat label="train images" value={fmtInt(status?.train_images)} />
        <Stat label="test images" value={fmtInt(status?.test_images)} />
        <Stat label="kept by the text filter" value={fmtInt(status?.above_threshold)} hint={status?.text_encoder ? `${status.text_encoder} > ${status.threshold}` : 'text filter not run'} />
      </div>
      <div className="three-col">
        <Panel title="Flags">
          <p className="hint">Mark NSFW images (metadata + classifier) and images that are mostly text (OCR). Flags mark, never delete; selection leaves flagged images out.</p>
          <div className="row">
            <button className="btn" onClick={() => attempt('flag NSFW', async () => upsertJob(await api().call('flags.start', { kind: 'nsfw' })))}>Flag NSFW</button>
            <button className="btn" onClick={() => attempt('flag text', async () => upsertJob(await api().call('flags.start', { kind: 'ocr' })))}>Flag text (OCR)</button>
          </div>
          <JobList kinds={FLAG_KINDS} limit={2} />
        </Panel>
        <Panel title="Selection">
          <p className="hint">Ranks classes by image–caption similarity and keeps those with enough images for a train and test split, drawn with the seed.</p>
          <div className="form-grid">
            {field('threshold', 'Threshold', 'text similarity threshold; empty = the current one')}
            {field('classes', 'Classes', 'how many classes to keep')}
            {field('train', 'Train / class', 'training images per class')}
            {field('test', 'Test / class', 'test images per class')}
            {field('seed', 'Seed', 'seed of the split')}
          </div>
          <div className="row">
            <span className="spacer" />
            <button className="btn primary" onClick={select}>Select classes</button>
          </div>
          <JobList kinds={SELECT_KINDS} limit={2} />
        </Panel>
        <Panel title="Export">
          <p className="hint">Writes the split to exports/ with a manifest recording every image's source, URL and caption.</p>
          <div className="form-grid">
            <label>
              Format
              <select value={exportOpts.format} onChange={(e) => setExportOpts({ ...exportOpts, format: e.target.value as 'imagefolder' | 'webdataset' })}>
                <option value="imagefolder">image folders</option>
                <option value="webdataset">webdataset tars</option>
              </select>
            </label>
            <label title="resize the shorter side to this many pixels; empty keeps the stored size">
              Image size (px)
              <input type="number" value={exportOpts.size} placeholder="as stored" onChange={(e) => setExportOpts({ ...exportOpts, size: e.target.value })} />
            </label>
          </div>
          <div className="row">
            <span className="spacer" />
            <button
              className="btn primary"
              disabled={selectionId == null}
              onClick={() => attempt('export', async () => upsertJob(await api().call('dataset.export', { format: exportOpts.format, ...(exportOpts.size ? { size: Number(exportOpts.size) } : {}) })))}
            >
              Export
            </button>
          </div>
          <JobList kinds={EXPORT_KINDS} limit={2} />
        </Panel>
      </div>
      <Panel
        title={selectionId != null ? `Class ranking (selection #${selectionId})` : 'Class ranking'}
        actions={scoreMode && <span className="muted small-text">{SCORE_MODES[scoreMode] ?? `ranked by ${scoreMode}`}</span>}
      >
        <ErrorBox error={error} what="Could not load the selection" />
        {loaded && !error && classes.length === 0 ? (
          <EmptyState title="No selection yet">Set the parameters above and press “Select classes”. The ranked classes and their train/test counts appear here.</EmptyState>
        ) : (
          classes.length > 0 && (
            <div className="table-scroll tall">
              <table className="table compact">
                <thead>
                  <tr><th className="num">rank</th><th>wnid</th><th>class</th><th className="num">score</th><th className="num">kept</th><th className="num">train</th><th className="num">test</th></tr>
                </thead>
                <tbody>
                  {classes.map((k) => (
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
    </div>
  );
}
