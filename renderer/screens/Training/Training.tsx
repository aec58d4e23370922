// Training: launch runs, the queue with cancel/resume, live curves of the ticked runs (streamed from `run.metric`
// worker events, drawn at most once a second), and the runs table.
import { useEffect } from 'react';
import { useTraining, isMetricEvent, TRAIN_KINDS } from '../../store/training.ts';
import { onJobFinished, onWorkerEvent } from '../../store/events.ts';
import { EmptyState, ErrorBox, Panel } from '../../components/common.tsx';
import { JobList } from '../../components/JobList.tsx';
import { LaunchForm } from './LaunchForm.tsx';
import { Curves } from './Curves.tsx';
import { RunsTable } from './RunsTable.tsx';

/** While a run trains, the table (epoch, duration, validation accuracy) refreshes this often. */
const RUNS_POLL_MS = 5000;

export function Training() {
  const load = useTraining((s) => s.load);
  const loadRuns = useTraining((s) => s.loadRuns);
  const addMetric = useTraining((s) => s.addMetric);
  const error = useTraining((s) => s.error);
  const loaded = useTraining((s) => s.loaded);
  const runCount = useTraining((s) => s.runs.length);

  useEffect(() => {
    void load();
    const offEvents = onWorkerEvent((e) => {
      if (isMetricEvent(e)) addMetric(e.payload as Parameters<typeof addMetric>[0]);
    });
    const offJobs = onJobFinished((job) => {
      if (TRAIN_KINDS.includes(job.kind)) void loadRuns();
    });
    const poll = setInterval(() => {
      if (useTraining.getState().runs.some((r) => r.status === 'running' || r.status === 'queued')) void loadRuns();
    }, RUNS_POLL_MS);
    return () => {
      offEvents();
      offJobs();
      clearInterval(poll);
    };
  }, [load, loadRuns, addMetric]);

  return (
    <div className="screen" data-screen="Training">
      <div className="two-col wide-left">
        <Panel title="Launch runs">
          <LaunchForm />
        </Panel>
        <Panel title="Queue">
          <JobList kinds={TRAIN_KINDS} limit={8} empty="No training jobs. Pick architectures and press Train." />
        </Panel>
      </div>
      <Curves />
      <Panel title="Runs">
        <ErrorBox error={error} what="Could not load runs" />
        {loaded && !error && runCount === 0 ? (
          <EmptyState title="No runs yet">
            Choose architectures and an export above and press Train. Curves appear here while they train.
          </EmptyState>
        ) : (
          runCount > 0 && <RunsTable />
        )}
      </Panel>
    </div>
  );
}
