// App-wide state: which screen is open, the workspace status, every job with its live progress and last log line,
// the event connection, and notices (errors with their cause, confirmations).
import { create } from 'zustand';
import { api, errorText } from '../api/client.ts';
import type { Job, JobLog, JobProgress, Status } from '../api/types.ts';

export const SCREENS = ['Sources', 'Synsets', 'Curation', 'Dataset', 'Training', 'Rankings'] as const;
export type Screen = (typeof SCREENS)[number];

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

interface AppState {
  screen: Screen;
  status: Status | null;
  statusError: string | null;
  jobs: Record<number, Job>;
  lastLog: Record<number, string>;
  connected: boolean;
  notices: Notice[];
  setScreen(s: Screen): void;
  refreshStatus(): Promise<void>;
  refreshJobs(): Promise<void>;
  upsertJob(job: Job): void;
  progress(p: JobProgress): void;
  log(l: JobLog): void;
  setConnected(c: boolean): void;
  notify(kind: Notice['kind'], text: string): void;
  dismiss(id: number): void;
}

function screenFromHash(): Screen {
  const name = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  return (SCREENS as readonly string[]).includes(name) ? (name as Screen) : 'Sources';
}

let noticeId = 0;

export const useApp = create<AppState>((set, get) => ({
  screen: screenFromHash(),
  status: null,
  statusError: null,
  jobs: {},
  lastLog: {},
  connected: false,
  notices: [],
  setScreen(screen) {
    if (location.hash !== `#/${screen}`)
      history.replaceState(null, '', `${location.pathname}${location.search}#/${screen}`);
    set({ screen });
  },
  async refreshStatus() {
    try {
      const status = await api().call('status.get', {});
      const jobs = { ...get().jobs };
      for (const j of status.jobs) jobs[j.id] = j;
      set({ status, statusError: null, jobs });
    } catch (err) {
      set({ statusError: errorText(err) });
    }
  },
  async refreshJobs() {
    try {
      const list = await api().call('jobs.list', { limit: 200 });
      const jobs: Record<number, Job> = {};
      for (const j of list) jobs[j.id] = j;
      set({ jobs });
    } catch (err) {
      get().notify('error', `could not list jobs: ${errorText(err)}`);
    }
  },
  upsertJob(job) {
    set((s) => ({ jobs: { ...s.jobs, [job.id]: job } }));
  },
  progress({ jobId, done, total, message }) {
    const job = get().jobs[jobId];
    if (!job) return;
    set((s) => ({ jobs: { ...s.jobs, [jobId]: { ...job, done, total, message: message ?? job.message } } }));
  },
  log({ jobId, level, message }) {
    set((s) => ({ lastLog: { ...s.lastLog, [jobId]: `${level === 'info' ? '' : level + ': '}${message}` } }));
  },
  setConnected(connected) {
    set({ connected });
  },
  notify(kind, text) {
    const id = ++noticeId;
    set((s) => ({ notices: [...s.notices.slice(-4), { id, kind, text }] }));
    if (kind === 'info') setTimeout(() => get().dismiss(id), 4000);
  },
  dismiss(id) {
    set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
  },
}));

window.addEventListener('hashchange', () => useApp.setState({ screen: screenFromHash() }));

/** Jobs of some kinds, newest first. */
export function jobsOfKinds(jobs: Record<number, Job>, kinds: readonly string[]): Job[] {
  return Object.values(jobs)
    .filter((j) => kinds.includes(j.kind))
    .sort((a, b) => b.id - a.id);
}

/** Run an action, turning a failure into an error notice that names its cause. */
export async function attempt<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    useApp.getState().notify('error', `${what}: ${errorText(err)}`);
    return undefined;
  }
}
