// Metric series of training runs, kept outside React state so that a streamed point costs one array append, not a
// copy of the run's history: a run of thousands of steps sends four `run.metric` events per step. Charts read these
// arrays when the slice's `metricsVersion` moves (at most about once a second, see training.ts).

export interface MetricSample {
  step: number;
  epoch: number;
  /** Seconds since 1970 (null: recorded by a version that kept no times). */
  time: number | null;
  value: number;
}

/** One metric of one run in step order, as parallel arrays. */
export class MetricSeries {
  readonly step: number[] = [];
  readonly epoch: number[] = [];
  /** NaN where no time was recorded. */
  readonly time: number[] = [];
  readonly value: number[] = [];

  get length(): number {
    return this.step.length;
  }

  get lastStep(): number {
    return this.step.length ? this.step[this.step.length - 1] : -Infinity;
  }

  /**
   * Points come in step order. The same step again replaces it; an earlier step means the run resumed from a
   * checkpoint and recomputes from there, so everything from that step on is dropped first.
   */
  add(p: MetricSample): void {
    if (p.step < this.lastStep) this.truncateFrom(p.step);
    if (p.step === this.lastStep) {
      const i = this.step.length - 1;
      this.epoch[i] = p.epoch;
      this.time[i] = p.time ?? NaN;
      this.value[i] = p.value;
      return;
    }
    this.step.push(p.step);
    this.epoch.push(p.epoch);
    this.time.push(p.time ?? NaN);
    this.value.push(p.value);
  }

  private truncateFrom(step: number): void {
    let n = this.step.length;
    while (n > 0 && this.step[n - 1] >= step) n--;
    this.step.length = n;
    this.epoch.length = n;
    this.time.length = n;
    this.value.length = n;
  }
}

/** Every metric of every loaded run. */
export class RunMetricStore {
  private readonly runs = new Map<number, Map<string, MetricSeries>>();

  series(runId: number, name: string): MetricSeries | undefined {
    return this.runs.get(runId)?.get(name);
  }

  names(runId: number): string[] {
    return [...(this.runs.get(runId)?.keys() ?? [])];
  }

  has(runId: number): boolean {
    return this.runs.has(runId);
  }

  /** Total points of a run over some metrics. */
  count(runId: number, names: readonly string[]): number {
    return names.reduce((n, name) => n + (this.series(runId, name)?.length ?? 0), 0);
  }

  add(runId: number, name: string, p: MetricSample): void {
    let run = this.runs.get(runId);
    if (!run) this.runs.set(runId, (run = new Map()));
    let s = run.get(name);
    if (!s) run.set(name, (s = new MetricSeries()));
    s.add(p);
  }

  /**
   * Replace a run's history with what the backend stored, keeping live points that arrived while it was being
   * fetched (those after the stored points' last step).
   */
  load(runId: number, stored: readonly (MetricSample & { name: string })[]): void {
    const live = this.runs.get(runId);
    const fresh = new Map<string, MetricSeries>();
    for (const p of stored) {
      let s = fresh.get(p.name);
      if (!s) fresh.set(p.name, (s = new MetricSeries()));
      s.add(p);
    }
    for (const [name, s] of live ?? []) {
      let target = fresh.get(name);
      if (!target) fresh.set(name, (target = new MetricSeries()));
      for (let i = 0; i < s.length; i++) {
        if (s.step[i] > target.lastStep)
          target.add({
            step: s.step[i],
            epoch: s.epoch[i],
            time: Number.isNaN(s.time[i]) ? null : s.time[i],
            value: s.value[i],
          });
      }
    }
    this.runs.set(runId, fresh);
  }

  drop(runId: number): void {
    this.runs.delete(runId);
  }
}
