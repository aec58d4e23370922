// Dataset screen: the latest selection (its classes, what it was made with, whether it is stale), the parameters the
// workspace can supply for a new one, a live preview of what a selection would do, and the finished exports.
import { create } from 'zustand';
import { api, errorText } from '../api/client.ts';
import type { DatasetClass, ExportInfo, SelectionInfo, SelectionPreview, SelectionSuggestion } from '../api/types.ts';

export interface SelectForm {
  threshold: string;
  classes: string;
  train: string;
  test: string;
  seed: string;
}

interface DatasetState {
  selection: SelectionInfo | null;
  /** How the classes were ranked: 'image' (mean image–caption similarity), 'text' or 'count'. */
  scoreMode: string | null;
  classes: DatasetClass[];
  exports: ExportInfo[];
  suggestion: SelectionSuggestion | null;
  form: SelectForm | null;
  preview: SelectionPreview | null;
  previewError: string | null;
  error: string | null;
  loaded: boolean;
  load(): Promise<void>;
  loadExports(): Promise<void>;
  /** Fill the form from the workspace (the current selection's parameters, or what its classes can supply). */
  prefill(): Promise<void>;
  setForm(f: SelectForm): void;
}

/** The form as a request: empty fields are left to the backend's defaults. */
export function formRequest(f: SelectForm): {
  threshold?: number;
  classes?: number;
  train?: number;
  test?: number;
  seed?: number;
} {
  const out: Record<string, number> = {};
  for (const k of ['threshold', 'classes', 'train', 'test', 'seed'] as const) {
    const v = f[k].trim();
    if (v !== '' && Number.isFinite(Number(v))) out[k] = Number(v);
  }
  return out;
}

let previewSeq = 0;
let previewTimer: ReturnType<typeof setTimeout> | undefined;

export const useDataset = create<DatasetState>((set, get) => {
  async function loadPreview(): Promise<void> {
    const form = get().form;
    if (!form) return;
    const seq = ++previewSeq;
    try {
      const preview = await api().call('dataset.preview', formRequest(form));
      if (seq === previewSeq) set({ preview, previewError: null });
    } catch (err) {
      if (seq === previewSeq) set({ preview: null, previewError: errorText(err) });
    }
  }

  return {
    selection: null,
    scoreMode: null,
    classes: [],
    exports: [],
    suggestion: null,
    form: null,
    preview: null,
    previewError: null,
    error: null,
    loaded: false,
    async load() {
      try {
        const res = await api().call('dataset.classes', {});
        set({ selection: res.selection, scoreMode: res.scoreMode, classes: res.classes, error: null, loaded: true });
      } catch (err) {
        set({ error: errorText(err), loaded: true });
      }
      await get().loadExports();
      if (get().form) void loadPreview();
    },
    async loadExports() {
      try {
        set({ exports: await api().call('dataset.exports', {}) });
      } catch (err) {
        set({ error: errorText(err) });
      }
    },
    async prefill() {
      try {
        const s = await api().call('dataset.suggest', {});
        set({
          suggestion: s,
          form: {
            threshold: s.threshold == null ? '' : String(s.threshold),
            classes: String(s.classes),
            train: String(s.train),
            test: String(s.test),
            seed: String(s.seed),
          },
        });
        void loadPreview();
      } catch (err) {
        set({ previewError: errorText(err) });
      }
    },
    setForm(form) {
      set({ form });
      clearTimeout(previewTimer);
      previewTimer = setTimeout(() => void loadPreview(), 200);
    },
  };
});
