// Synsets screen: a WordNet search, the selected synset with its hypernym path, manual include/exclude.
import { create } from 'zustand';
import { api, errorText } from '../api/client.ts';
import type { SynsetDetail, SynsetView } from '../api/types.ts';

interface SynsetsState {
  query: string;
  eligibleOnly: boolean;
  results: SynsetView[];
  searching: boolean;
  error: string | null;
  selected: SynsetDetail | null;
  setQuery(q: string): void;
  setEligibleOnly(v: boolean): void;
  search(): Promise<void>;
  select(wnid: string): Promise<void>;
  setManual(wnid: string, manual: SynsetView['manual']): Promise<void>;
}

let searchSeq = 0;

export const useSynsets = create<SynsetsState>((set, get) => ({
  query: '',
  eligibleOnly: false,
  results: [],
  searching: false,
  error: null,
  selected: null,
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
      const results = await api().call('synsets.search', { query: get().query, limit: 200, eligibleOnly: get().eligibleOnly });
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
      const updated = await api().call('synsets.setManual', { wnid, manual });
      set((s) => ({
        results: s.results.map((r) => (r.wnid === wnid ? { ...r, ...updated } : r)),
        selected: s.selected?.wnid === wnid ? { ...s.selected, ...updated } : s.selected,
        error: null,
      }));
    } catch (err) {
      set({ error: errorText(err) });
    }
  },
}));
