// Dataset screen: the class ranking of the latest selection.
import { create } from 'zustand';
import { api, errorText } from '../api/client.ts';
import type { DatasetClass } from '../api/types.ts';

interface DatasetState {
  selectionId: number | null;
  /** How the classes were ranked: 'image' (mean image–caption similarity), 'text' or 'count'. */
  scoreMode: string | null;
  classes: DatasetClass[];
  error: string | null;
  loaded: boolean;
  load(): Promise<void>;
}

export const useDataset = create<DatasetState>((set) => ({
  selectionId: null,
  scoreMode: null,
  classes: [],
  error: null,
  loaded: false,
  async load() {
    try {
      const res = await api().call('dataset.classes', {});
      set({ selectionId: res.selectionId, scoreMode: res.scoreMode ?? null, classes: res.classes, error: null, loaded: true });
    } catch (err) {
      set({ error: errorText(err), loaded: true });
    }
  },
}));
