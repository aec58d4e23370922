// The rest of the text-filter stage from the app: import a text/CLIP encoder (a Hugging Face ONNX export folder on the
// backend's machine, or a Hub id to download), compute image–caption scores with a CLIP model, and export the
// candidates table — each a job, shown with its progress; a finished export shows its path with a copy button.
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Job } from '../../api/types.ts';
import { attempt, jobsOfKinds, useApp } from '../../store/app.ts';
import { useCuration } from '../../store/curation.ts';
import { Modal } from '../../components/Modal.tsx';
import { FilePicker } from '../../components/FilePicker.tsx';
import { CopyPath } from '../../components/CopyPath.tsx';
import { JobList } from '../../components/JobList.tsx';

const TOOL_KINDS = ['model-import', 'clipscore', 'candidates'];

function latestOut(jobs: Job[]): string | null {
  const done = jobs.find((j) => j.state === 'succeeded' && (j.result as { out?: unknown } | null)?.out);
  return done ? String((done.result as { out: string }).out) : null;
}

export function EncoderTools({ onClose }: { onClose(): void }) {
  const encoders = useCuration((s) => s.encoders);
  const imageEncoder = useCuration((s) => s.settings?.imageEncoder ?? null);
  const jobs = useApp((s) => s.jobs);
  const upsertJob = useApp((s) => s.upsertJob);
  const desktop = api().kind === 'desktop';
  const [kind, setKind] = useState<'clip' | 'sentence'>('clip');
  const [source, setSource] = useState<'dir' | 'download'>('dir');
  const [where, setWhere] = useState('');
  const [name, setName] = useState('');
  const [picking, setPicking] = useState(false);
  const clips = encoders.filter((e) => e.kind === 'clip');
  const [model, setModel] = useState(imageEncoder ?? clips[0]?.name ?? '');
  const [format, setFormat] = useState<'csv' | 'parquet'>('csv');
  const exported = latestOut(jobsOfKinds(jobs, ['candidates']));

  const importModel = () =>
    attempt('import the encoder', async () => {
      upsertJob(
        await api().call('encoders.import', {
          kind,
          ...(source === 'dir' ? { dir: where.trim() } : { download: where.trim() }),
          ...(name.trim() ? { name: name.trim() } : {}),
        }),
      );
    });
  const pickFolder = async () => {
    if (desktop) {
      const chosen = await attempt('choose a folder', () => api().call('app.pickPaths', { mode: 'folder' }));
      if (chosen?.[0]) setWhere(chosen[0]);
    } else setPicking(true);
  };

  return (
    <Modal title="Encoders, image–caption scores, candidates table" onClose={onClose} wide>
      <section className="tool">
        <h3>Import an encoder</h3>
        <p className="hint">
          A Hugging Face ONNX export: CLIP (ViT-B/32, threshold 0.82; its image tower also scores images) or a sentence
          model (MPNet, 0.58). The folder is checked and copied into the workspace.
        </p>
        <div className="form-grid">
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind(e.target.value as 'clip' | 'sentence')}>
              <option value="clip">CLIP (text + image)</option>
              <option value="sentence">sentence (text)</option>
            </select>
          </label>
          <label>
            From
            <select value={source} onChange={(e) => setSource(e.target.value as 'dir' | 'download')}>
              <option value="dir">a folder</option>
              <option value="download">the Hugging Face Hub</option>
            </select>
          </label>
          <label>
            Name (optional)
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="folder or model name" />
          </label>
        </div>
        <div className="row">
          <input
            className="grow mono"
            value={where}
            onChange={(e) => setWhere(e.target.value)}
            placeholder={source === 'dir' ? '/models/clip-vit-base-patch32' : 'Xenova/clip-vit-base-patch32'}
            aria-label="model folder or id"
          />
          {source === 'dir' && (
            <button className="btn" onClick={() => void pickFolder()}>
              Browse…
            </button>
          )}
          <button className="btn primary" disabled={!where.trim()} onClick={importModel}>
            Import
          </button>
        </div>
      </section>
      <section className="tool">
        <h3>Image–caption scores</h3>
        <p className="hint">
          CLIP similarity of each stored image and its own caption: ranks classes for the selection and shows “img” in
          the grid. {imageEncoder ? `Current: ${imageEncoder}.` : 'None computed yet.'}
        </p>
        <div className="row">
          <select
            value={model}
            onChange={(e) => setModel(e.target.value)}
            disabled={!clips.length}
            aria-label="CLIP model"
          >
            {!clips.length && <option value="">import a CLIP model first</option>}
            {clips.map((e) => (
              <option key={e.name} value={e.name}>
                {e.name}
              </option>
            ))}
          </select>
          <button
            className="btn primary"
            disabled={!model}
            onClick={() =>
              attempt('compute image–caption scores', async () =>
                upsertJob(await api().call('clipscore.start', { model })),
              )
            }
          >
            Compute scores
          </button>
        </div>
      </section>
      <section className="tool">
        <h3>Candidates table</h3>
        <p className="hint">
          Every candidate with source file, row, URL, caption, class, similarities, flags, decision and kept at the
          workspace threshold (the `imagenot candidates` table).
        </p>
        <div className="row">
          <select
            value={format}
            onChange={(e) => setFormat(e.target.value as 'csv' | 'parquet')}
            aria-label="table format"
          >
            <option value="csv">CSV</option>
            <option value="parquet">Parquet</option>
          </select>
          <button
            className="btn primary"
            onClick={() =>
              attempt('export the candidates table', async () =>
                upsertJob(await api().call('candidates.export', { format })),
              )
            }
          >
            Export table
          </button>
        </div>
        {exported && <CopyPath path={exported} label="latest:" />}
      </section>
      <JobList kinds={TOOL_KINDS} limit={3} />
      {picking && (
        <FilePicker
          title="Choose a model folder"
          mode="folder"
          onClose={() => setPicking(false)}
          onPick={(paths) => {
            setWhere(paths[0]);
            setPicking(false);
          }}
        />
      )}
    </Modal>
  );
}
