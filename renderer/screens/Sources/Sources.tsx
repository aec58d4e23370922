// Sources: add metadata files, tar shards, image folders and URL lists (native dialogs on the desktop, a listing of
// the backend's folders in browser mode); ingest and fetch with progress and the last fetch's outcome; the items that
// were rejected and why.
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { attempt, jobsOfKinds, useApp } from '../../store/app.ts';
import { REJECTIONS_PAGE, useSources } from '../../store/sources.ts';
import { onJobFinished } from '../../store/events.ts';
import { EmptyState, ErrorBox, Panel, Stat, fmtInt } from '../../components/common.tsx';
import { JobList } from '../../components/JobList.tsx';
import { FilePicker } from '../../components/FilePicker.tsx';

/** The last finished fetch in one line: "N downloaded, M failed". */
function fetchOutcome(result: unknown): string | null {
  const r = result as { downloaded?: number; failed?: number; optedOut?: number } | null;
  if (r?.downloaded == null || r.failed == null) return null;
  return `${fmtInt(r.downloaded)} downloaded, ${fmtInt(r.failed)} failed${r.optedOut ? `, ${fmtInt(r.optedOut)} opted out` : ''}`;
}

const SOURCE_JOB_KINDS = ['ingest', 'fetch'];

export function Sources() {
  const { sources, error, rejections, rejectionsError, loaded, load, loadRejections } = useSources();
  const status = useApp((s) => s.status);
  const upsertJob = useApp((s) => s.upsertJob);
  const desktop = api().kind === 'desktop';
  const [paths, setPaths] = useState('');
  const [fetchOpts, setFetchOpts] = useState({ concurrency: 16, timeoutS: 20, retries: 2 });
  const [demoPossible, setDemoPossible] = useState(false);
  const [browsing, setBrowsing] = useState(false);
  const jobs = useApp((s) => s.jobs);
  const lastFetch = jobsOfKinds(jobs, ['fetch']).find((j) => j.state === 'succeeded');
  const lastOutcome = lastFetch ? fetchOutcome(lastFetch.result) : null;

  // biome-ignore lint/correctness/useExhaustiveDependencies: asked again when a source is added or removed
  useEffect(() => {
    if (api().has('demo.status'))
      void api()
        .call('demo.status', {})
        .then(
          (d) => setDemoPossible(d.canStart),
          () => setDemoPossible(false),
        );
  }, [sources.length]);

  useEffect(() => {
    void load();
    return onJobFinished((job) => {
      if (SOURCE_JOB_KINDS.includes(job.kind)) void load();
    });
  }, [load]);

  const pathList = paths
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
  const ingest = () =>
    attempt('ingest', async () => {
      upsertJob(await api().call('sources.ingest', { paths: pathList }));
      setPaths('');
    });
  const fetchImages = () =>
    attempt('fetch images', async () => upsertJob(await api().call('sources.fetch', fetchOpts)));
  const addPaths = (chosen: string[]) => {
    if (chosen.length) setPaths((p) => [...new Set([...p.split('\n').filter(Boolean), ...chosen])].join('\n'));
  };
  const pick = (mode: 'files' | 'folder') =>
    attempt('choose inputs', async () => addPaths(await api().call('app.pickPaths', { mode })));
  const fetchCounts = Object.entries(status?.fetch ?? {});

  return (
    <div className="screen" data-screen="Sources">
      <div className="stats-row">
        <Stat label="samples" value={fmtInt(status?.samples)} />
        <Stat label="images stored" value={fmtInt(status?.images)} />
        <Stat label="sources" value={fmtInt(sources.length)} />
        <Stat label="rejected items" value={fmtInt(rejections.total)} />
      </div>
      <div className="two-col">
        <Panel title="Add data">
          <p className="hint">
            LAION-style metadata (parquet, csv, tsv, jsonl with URL and TEXT columns), img2dataset output (webdataset
            .tar shards or folders), plain image folders, or text files listing image URLs.
            {desktop
              ? ' Choose them below or paste paths.'
              : ' Paths are on the machine running `imagenot serve`: browse its folders or paste paths, one per line.'}
          </p>
          <textarea
            className="paths"
            rows={4}
            value={paths}
            onChange={(e) => setPaths(e.target.value)}
            placeholder="/data/laion/part-00000.parquet"
            aria-label="paths to ingest"
          />
          <div className="row">
            {desktop ? (
              <>
                <button className="btn" onClick={() => pick('files')}>
                  Choose files…
                </button>
                <button className="btn" onClick={() => pick('folder')}>
                  Choose folder…
                </button>
              </>
            ) : (
              <button className="btn" onClick={() => setBrowsing(true)}>
                Browse…
              </button>
            )}
            <span className="spacer" />
            <button className="btn primary" disabled={!pathList.length} onClick={ingest}>
              Ingest {pathList.length ? `${pathList.length} path${pathList.length > 1 ? 's' : ''}` : ''}
            </button>
          </div>
        </Panel>
        <Panel title="Fetch images">
          <p className="hint">
            Downloads the images of ingested URLs, stores them content-addressed and makes thumbnails. Safe to stop and
            resume.
          </p>
          <div className="form-grid">
            <label>
              Parallel downloads
              <input
                type="number"
                min={1}
                max={256}
                value={fetchOpts.concurrency}
                onChange={(e) => setFetchOpts({ ...fetchOpts, concurrency: Number(e.target.value) })}
              />
            </label>
            <label>
              Timeout (s)
              <input
                type="number"
                min={1}
                max={600}
                value={fetchOpts.timeoutS}
                onChange={(e) => setFetchOpts({ ...fetchOpts, timeoutS: Number(e.target.value) })}
              />
            </label>
            <label>
              Retries
              <input
                type="number"
                min={0}
                max={10}
                value={fetchOpts.retries}
                onChange={(e) => setFetchOpts({ ...fetchOpts, retries: Number(e.target.value) })}
              />
            </label>
          </div>
          <div className="row">
            <span className="muted small-text" data-testid="fetch-outcome">
              {lastOutcome && (
                <>
                  last fetch: <b>{lastOutcome}</b> ·{' '}
                </>
              )}
              {fetchCounts.length
                ? `all: ${fetchCounts.map(([k, v]) => `${k} ${fmtInt(v)}`).join(' · ')}`
                : 'nothing fetched yet'}
            </span>
            <span className="spacer" />
            <button className="btn primary" disabled={!status?.samples} onClick={fetchImages}>
              Fetch images
            </button>
          </div>
        </Panel>
      </div>
      <Panel title="Ingest and fetch jobs">
        <JobList kinds={SOURCE_JOB_KINDS} empty="No ingest or fetch jobs yet." />
      </Panel>
      <Panel title="Sources">
        <ErrorBox error={error} what="Could not list sources" />
        {loaded && !error && !sources.length ? (
          <EmptyState title="No data yet">
            Add a metadata file, a tar shard or an image folder above and press Ingest. Then fetch the images, search
            synsets and match captions.
            {demoPossible && (
              <div className="row center">
                <span className="muted">Or see every stage on packaged data first:</span>
                <button
                  className="btn"
                  onClick={() =>
                    attempt('start the demo', async () => upsertJob(await api().call('demo.start', { quick: true })))
                  }
                >
                  Build the demo workspace
                </button>
              </div>
            )}
          </EmptyState>
        ) : (
          sources.length > 0 && (
            <table className="table">
              <thead>
                <tr>
                  <th>#</th>
                  <th>path</th>
                  <th>kind</th>
                  <th className="num">rows</th>
                  <th className="num">samples</th>
                  <th className="num">rejected</th>
                  <th>state</th>
                  <th>ingested</th>
                </tr>
              </thead>
              <tbody>
                {sources.map((s) => (
                  <tr key={s.id}>
                    <td>{s.id}</td>
                    <td className="path" title={s.path}>
                      {s.path}
                    </td>
                    <td>{s.kind}</td>
                    <td className="num">{fmtInt(s.rows)}</td>
                    <td className="num">{fmtInt(s.samples)}</td>
                    <td className="num">{fmtInt(s.rejected)}</td>
                    <td>
                      <span className={`badge state-${s.error ? 'failed' : s.state}`} title={s.error ?? ''}>
                        {s.error ? 'stopped early' : s.state}
                      </span>
                      {s.error && <div className="error-text small-text">{s.error}</div>}
                    </td>
                    <td className="muted">{s.ingestedAt ? new Date(s.ingestedAt).toLocaleString() : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        )}
      </Panel>
      <Panel
        title={`Rejected items (${fmtInt(rejections.total)})`}
        actions={
          rejections.total > REJECTIONS_PAGE && (
            <div className="pager">
              <button
                className="btn small"
                disabled={rejections.offset === 0}
                onClick={() => loadRejections(Math.max(0, rejections.offset - REJECTIONS_PAGE))}
              >
                ‹ Prev
              </button>
              <span className="muted">
                {rejections.offset + 1}–{Math.min(rejections.total, rejections.offset + REJECTIONS_PAGE)}
              </span>
              <button
                className="btn small"
                disabled={rejections.offset + REJECTIONS_PAGE >= rejections.total}
                onClick={() => loadRejections(rejections.offset + REJECTIONS_PAGE)}
              >
                Next ›
              </button>
            </div>
          )
        }
      >
        <ErrorBox error={rejectionsError} what="Could not list rejections" />
        {rejections.items.length === 0 ? (
          <div className="muted small-text">
            Nothing rejected. Rows or files that cannot be read show up here with the reason.
          </div>
        ) : (
          <table className="table compact">
            <thead>
              <tr>
                <th>source</th>
                <th>item</th>
                <th>reason</th>
              </tr>
            </thead>
            <tbody>
              {rejections.items.map((r, i) => (
                <tr key={`${r.source}-${r.item}-${i}`}>
                  <td className="path" title={r.source}>
                    {r.source}
                  </td>
                  <td className="path" title={r.item}>
                    {r.item}
                  </td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      {browsing && (
        <FilePicker
          title="Add data from the server's folders"
          mode="paths"
          onClose={() => setBrowsing(false)}
          onPick={(chosen) => {
            addPaths(chosen);
            setBrowsing(false);
          }}
        />
      )}
    </div>
  );
}
