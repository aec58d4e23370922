// Synsets screen: a WordNet search, the selected synset with its hypernym path and its lemmas under the lemma rule,
// manual include/exclude and per-lemma keep/drop; the review of the lemmas the rule drops or flags; and re-matching in
// two steps: a preview job says what a run would change, the user confirms, then the run replaces the candidates.
import { create } from 'zustand';
import { api, errorText } from '../api/client.ts';
import type { Job, LemmaReview, LemmaState, MatchPreview, ReviewKind, SynsetDetail, SynsetView } from '../api/types.ts';
import { useApp } from './app.ts';
import { onJobFinished } from './events.ts';

/** Where a re-match stands: idle, its preview running, the preview waiting for the user, the run queued. */
export type RematchStep =
  | { step: 'idle' }
  | { step: 'previewing'; jobId: number }
  | { step: 'confirm'; jobId: number; preview: MatchPreview };

interface SynsetsState {
  query: string;
  eligibleOnly: boolean;
  results: SynsetView[];
  searching: boolean;
  error: string | null;
  selected: SynsetDetail | null;
  review: LemmaReview | null;
  reviewKind: ReviewKind;
  reviewError: string | null;
  rematch: RematchStep;
  setQuery(q: string): void;
  setEligibleOnly(v: boolean): void;
  search(): Promise<void>;
  select(wnid: string): Promise<void>;
  setManual(wnid: string, manual: SynsetView['manual']): Promise<void>;
  setLemma(wnid: string, lemma: string, decision: LemmaState['override']): Promise<void>;
  loadReview(kind?: ReviewKind): Promise<void>;
  /** Match captions to the eligible set: a preview first when the workspace has candidates to replace. */
  startMatch(hasCandidates: boolean): Promise<void>;
  /** Confirm the previewed run (and, if asked, re-run the text filter after it). */
  confirmMatch(thenFilter: { encoder: string } | null): Promise<void>;
  cancelMatch(): void;
}

let searchSeq = 0;

export const useSynsets = create<SynsetsState>((set, get) => {
  /** A synset changed: the list row, the detail and the review show it. */
  function updated(s: SynsetView) {
    set((st) => ({
      results: st.results.map((r) => (r.wnid === s.wnid ? s : r)),
      selected: st.selected?.wnid === s.wnid ? { ...st.selected, ...s } : st.selected,
      error: null,
    }));
    void get().loadReview();
  }

  onJobFinished((job) => {
    const r = get().rematch;
    if (r.step !== 'previewing' || job.id !== r.jobId) return;
    if (job.state !== 'succeeded') {
      set({ rematch: { step: 'idle' } });
      return;
    }
    api()
      .call('match.preview', { jobId: job.id })
      .then(
        (preview) => set({ rematch: { step: 'confirm', jobId: job.id, preview } }),
        (err) => {
          set({ rematch: { step: 'idle' } });
          useApp.getState().notify('error', `match preview: ${errorText(err)}`);
        },
      );
  });

  return {
    query: '',
    eligibleOnly: false,
    results: [],
    searching: false,
    error: null,
    selected: null,
    review: null,
    reviewKind: 'flagged',
    reviewError: null,
    rematch: { step: 'idle' },
    setQuery(query) {
      set({ query });
    },
    setEligibleOnly(eligibleOnly) {
      set({ eligibleOnly });
      void get().search();
    },
    async search() {
      const seq = ++searchSeq;
      set({ searching: true });
      try {
        const results = await api().call('synsets.search', {
          query: get().query,
          limit: 200,
          eligibleOnly: get().eligibleOnly,
        });
        if (seq === searchSeq) set({ results, error: null, searching: false });
      } catch (err) {
        if (seq === searchSeq) set({ error: errorText(err), searching: false });
      }
    },
    async select(wnid) {
      try {
        set({ selected: await api().call('synsets.show', { wnid }), error: null });
      } catch (err) {
        set({ error: errorText(err) });
      }
    },
    async setManual(wnid, manual) {
      try {
        updated(await api().call('synsets.setManual', { wnid, manual }));
      } catch (err) {
        set({ error: errorText(err) });
      }
    },
    async setLemma(wnid, lemma, decision) {
      try {
        updated(await api().call('synsets.setLemma', { wnid, lemma, decision }));
      } catch (err) {
        set({ error: errorText(err) });
      }
    },
    async loadReview(kind) {
      const reviewKind = kind ?? get().reviewKind;
      set({ reviewKind });
      try {
        const review = await api().call('synsets.lemmaReview', { kind: reviewKind, limit: 100 });
        if (get().reviewKind === reviewKind) set({ review, reviewError: null });
      } catch (err) {
        set({ reviewError: errorText(err) });
      }
    },
    async startMatch(hasCandidates) {
      const app = useApp.getState();
      try {
        const job: Job = await api().call('match.start', { synsets: 'eligible', preview: hasCandidates });
        app.upsertJob(job);
        if (hasCandidates) set({ rematch: { step: 'previewing', jobId: job.id } });
      } catch (err) {
        app.notify('error', `start matching: ${errorText(err)}`);
      }
    },
    async confirmMatch(thenFilter) {
      const app = useApp.getState();
      set({ rematch: { step: 'idle' } });
      try {
        app.upsertJob(await api().call('match.start', { synsets: 'eligible' }));
        if (thenFilter) app.upsertJob(await api().call('filter.start', { encoder: thenFilter.encoder }));
      } catch (err) {
        app.notify('error', `start matching: ${errorText(err)}`);
      }
    },
    cancelMatch() {
      const r = get().rematch;
      set({ rematch: { step: 'idle' } });
      if (r.step === 'previewing')
        void api()
          .call('jobs.cancel', { id: r.jobId })
          .catch(() => undefined);
    },
  };
});
