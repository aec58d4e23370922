// Rankings screen: the `rankings.get` object (the same as `imagenot rankings WS --json`): the chosen runs' statistics,
// every run per architecture for the picker, and the run choice, which `choose` changes (stored in the workspace, so
// the CLI follows). While runs train, new validation accuracies move their provisional positions: `reloadSoon`
// refreshes at most every RELOAD_MS.
import { create } from 'zustand';
import { api, errorText } from '../api/client.ts';
import type { RankingsChoice, WorkspaceRankings } from '../api/types.ts';

export const RELOAD_MS = 2000;

interface RankingsState {
  data: WorkspaceRankings | null;
  error: string | null;
  loaded: boolean;
  updatedAt: string | null;
  load(): Promise<void>;
  /** Load again within RELOAD_MS (many events, one request). */
  reloadSoon(): void;
  choose(req: RankingsChoice): Promise<void>;
}

// biome-ignore lint/correctness/noUnusedVariables: read by `reloadTimer ??=` (one pending reload at a time)
let reloadTimer: ReturnType<typeof setTimeout> | undefined;

export const useRankings = create<RankingsState>((set, get) => ({
  data: null,
  error: null,
  loaded: false,
  updatedAt: null,
  async load() {
    try {
      set({
        data: await api().call('rankings.get', {}),
        error: null,
        loaded: true,
        updatedAt: new Date().toLocaleTimeString(),
      });
    } catch (err) {
      set({ error: errorText(err), loaded: true });
    }
  },
  reloadSoon() {
    reloadTimer ??= setTimeout(() => {
      reloadTimer = undefined;
      void get().load();
    }, RELOAD_MS);
  },
  async choose(req) {
    try {
      set({ data: await api().call('rankings.choose', req), error: null, updatedAt: new Date().toLocaleTimeString() });
    } catch (err) {
      set({ error: errorText(err) });
    }
  },
}));
