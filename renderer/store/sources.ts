// Sources screen: ingested inputs and the rejected items with their reasons (paged).
import { create } from 'zustand';
import { api, errorText } from '../api/client.ts';
import type { RejectionView, SourceView } from '../api/types.ts';

interface SourcesState {
  sources: SourceView[];
  error: string | null;
  rejections: { total: number; items: RejectionView[]; offset: number };
  rejectionsError: string | null;
  loaded: boolean;
  load(): Promise<void>;
  loadRejections(offset?: number): Promise<void>;
}

export const REJECTIONS_PAGE = 50;

export const useSources = create<SourcesState>((set, get) => ({
  sources: [],
  error: null,
  rejections: { total: 0, items: [], offset: 0 },
  rejectionsError: null,
  loaded: false,
  async load() {
    try {
      set({ sources: await api().call('sources.list', {}), error: null, loaded: true });
    } catch (err) {
      set({ error: errorText(err), loaded: true });
    }
    await get().loadRejections(get().rejections.offset);
  },
  async loadRejections(offset = 0) {
    try {
      const page = await api().call('rejections.list', { offset, limit: REJECTIONS_PAGE });
      set({ rejections: { ...page, offset }, rejectionsError: null });
    } catch (err) {
      set({ rejectionsError: errorText(err) });
    }
  },
}));
