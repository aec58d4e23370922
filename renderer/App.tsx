// The app shell: navigation between the six screens, the workspace summary, the activity strip of running jobs,
// and notices. Screens are mounted one at a time.
import { useEffect, useState } from 'react';
import { SCREENS, useApp, type Screen } from './store/app.ts';
import { connectEvents } from './store/events.ts';
import { api, clientStartupError } from './api/client.ts';
import { Sources } from './screens/Sources/Sources.tsx';
import { Synsets } from './screens/Synsets/Synsets.tsx';
import { Curation } from './screens/Curation/Curation.tsx';
import { Dataset } from './screens/Dataset/Dataset.tsx';
import { Training } from './screens/Training/Training.tsx';
import { Rankings } from './screens/Rankings/Rankings.tsx';
import { ProgressBar, fmtInt } from './components/common.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { cancelJob, jobTone } from './components/JobList.tsx';
import { JobLogDialog } from './components/JobLog.tsx';
import type { Job, Status } from './api/types.ts';

const VIEWS: Record<Screen, () => React.JSX.Element> = { Sources, Synsets, Curation, Dataset, Training, Rankings };

const STEP_HINT: Record<Screen, string> = {
  Sources: 'Ingest image–caption metadata and fetch the images',
  Synsets: 'Choose WordNet classes and match captions to them',
  Curation: 'Set the text-similarity threshold and review images',
  Dataset: 'Select 1000 classes, split, export',
  Training: 'Train the classic architectures from scratch',
  Rankings: 'Compare model rankings with ImageNet',
};

function navCount(screen: Screen, s: Status | null): string {
  if (!s) return '';
  switch (screen) {
    case 'Sources':
      return s.samples ? fmtInt(s.samples) : '';
    case 'Synsets':
      return s.matched ? fmtInt(s.matched) : '';
    case 'Curation':
      return s.kept ? fmtInt(s.kept) : '';
    case 'Dataset':
      return s.classes_selected ? `${fmtInt(s.classes_selected)} cls` : '';
    case 'Training':
      return s.runs.length ? `${s.runs.length} runs` : '';
    case 'Rankings':
      return '';
  }
}

/** The end of a long path (the folder name matters most). */
function shortPath(p: string | undefined): string {
  if (!p) return '…';
  return p.length > 30 ? `…${p.slice(-29)}` : p;
}

/** The activity strip with the log of one of its jobs open over the page; the log stays open after its job ends. */
function Activity() {
  const [logOf, setLogOf] = useState<Pick<Job, 'id' | 'kind'> | null>(null);
  return (
    <>
      <ActivityStrip onLog={setLogOf} />
      {logOf && <JobLogDialog job={logOf} onClose={() => setLogOf(null)} />}
    </>
  );
}

function ActivityStrip({ onLog }: { onLog(job: Pick<Job, 'id' | 'kind'>): void }) {
  const jobs = useApp((s) => s.jobs);
  const active = Object.values(jobs)
    .filter((j) => j.state === 'running' || j.state === 'queued')
    .sort((a, b) => a.id - b.id);
  if (!active.length) {
    // The newest job that ended with something to look at stays visible (amber or red) until another one runs.
    const last = Object.values(jobs).sort((a, b) => b.id - a.id)[0];
    const tone = last && jobTone(last);
    if (last && (last.attention || last.state === 'failed')) {
      return (
        <div className="activity idle" data-activity-last={last.id}>
          <span className={`badge ${tone.cls}`}>{tone.label}</span>
          <span className="muted" title={last.attention ?? last.error ?? ''}>
            {last.kind} #{last.id}: {last.attention ?? last.error}
          </span>
          <button
            className="btn tiny ghost"
            aria-label={`log of job ${last.id}`}
            title={`the log of ${last.kind} #${last.id}`}
            onClick={() => onLog({ id: last.id, kind: last.kind })}
          >
            Log
          </button>
        </div>
      );
    }
    return <div className="activity idle muted">No jobs running</div>;
  }
  return (
    <div className="activity">
      {active.slice(0, 3).map((j) => (
        <div key={j.id} className="activity-job" title={j.message ?? ''} data-activity-job={j.id}>
          <span className="activity-line">
            {j.kind} #{j.id}{' '}
            <span className="muted">
              {j.state === 'queued' ? 'queued' : j.total ? `${Math.floor((100 * j.done) / j.total)}%` : fmtInt(j.done)}
            </span>
            <button
              className="btn tiny ghost"
              aria-label={`cancel job ${j.id}`}
              title={`cancel ${j.kind} #${j.id}`}
              onClick={() => void cancelJob(j)}
            >
              Cancel
            </button>
            <button
              className="btn tiny ghost"
              aria-label={`log of job ${j.id}`}
              title={`the log of ${j.kind} #${j.id}`}
              onClick={() => onLog({ id: j.id, kind: j.kind })}
            >
              Log
            </button>
          </span>
          <ProgressBar done={j.done} total={j.state === 'queued' ? 1 : j.total} state={j.state} />
        </div>
      ))}
      {active.length > 3 && <span className="muted">+{active.length - 3} more</span>}
    </div>
  );
}

function Notices() {
  const notices = useApp((s) => s.notices);
  const dismiss = useApp((s) => s.dismiss);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <span>{n.text}</span>
          <button className="close" onClick={() => dismiss(n.id)} aria-label="dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

export function App() {
  const startupError = clientStartupError();
  // One selector per field: job progress (several times a second while training) must not re-render the screen.
  const screen = useApp((s) => s.screen);
  const setScreen = useApp((s) => s.setScreen);
  const status = useApp((s) => s.status);
  const statusError = useApp((s) => s.statusError);
  const connected = useApp((s) => s.connected);
  const refreshStatus = useApp((s) => s.refreshStatus);
  const refreshJobs = useApp((s) => s.refreshJobs);

  useEffect(() => {
    if (startupError) return;
    void refreshStatus();
    void refreshJobs();
    const off = connectEvents();
    const timer = setInterval(() => void useApp.getState().refreshStatus(), 10000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [startupError, refreshStatus, refreshJobs]);

  if (startupError) {
    return (
      <div className="fatal">
        <h1>ImageNot Studio</h1>
        <p>{startupError}</p>
      </div>
    );
  }
  const View = VIEWS[screen];
  const desktop = api().kind === 'desktop';
  return (
    <div className="app">
      <aside className="sidebar">
        <div className="brand">
          <div className="logo">IN</div>
          <div>
            <div className="brand-name">ImageNot Studio</div>
            <div className="brand-sub">{desktop ? 'desktop' : 'browser mode'}</div>
          </div>
        </div>
        <nav>
          {SCREENS.map((s, i) => (
            <button
              key={s}
              className={`nav-item ${s === screen ? 'active' : ''}`}
              onClick={() => setScreen(s)}
              data-nav={s}
              title={STEP_HINT[s]}
            >
              <span className="nav-step">{i + 1}</span>
              <span className="nav-label">{s}</span>
              <span className="nav-count">{navCount(s, status)}</span>
            </button>
          ))}
        </nav>
        <div className="sidebar-foot">
          {desktop && (
            <button
              className="btn small ghost"
              onClick={() =>
                void api()
                  .call('app.openWorkspace', { create: false })
                  .then(
                    () => location.reload(),
                    (e) => useApp.getState().notify('error', String(e)),
                  )
              }
            >
              Open workspace…
            </button>
          )}
          <div className="workspace-path" title={status?.workspace}>
            {shortPath(status?.workspace)}
          </div>
          <div className={`conn ${connected ? 'on' : 'off'}`}>{connected ? 'live' : 'reconnecting…'}</div>
        </div>
      </aside>
      <main className="main">
        <header className="topbar">
          <div>
            <h1>{screen}</h1>
            <div className="muted small-text">{STEP_HINT[screen]}</div>
          </div>
          <Activity />
        </header>
        {statusError && <div className="error-box banner">Cannot read the workspace status: {statusError}</div>}
        <ErrorBoundary name={screen}>
          <View />
        </ErrorBoundary>
      </main>
      <Notices />
    </div>
  );
}
