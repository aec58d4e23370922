// Curation screen: the threshold (recounting every class live as it moves), the selected class's histogram, and a
// paged cache of its items for the windowed grid, with keyboard decisions and an undo stack.
import { create } from 'zustand';
import { api, errorText } from '../api/client.ts';
import type { ClassCount, CurationItem, Decision, EncoderView, Histogram } from '../api/views.ts';
import { useApp } from './app.ts';

export const PAGE = 120;
export type SortKey = 'text' | 'image' | 'id';

interface UndoEntry {
  index: number;
  sampleId: number;
  wnid: string;
  previous: Decision;
}

interface CurationState {
  ready: boolean;
  encoders: EncoderView[];
  encoder: string | null;
  threshold: number;
  savedThreshold: number | null;
  classes: ClassCount[];
  classesError: string | null;
  counting: boolean;
  selected: string | null;
  histogram: Histogram | null;
  histogramError: string | null;
  sort: SortKey;
  order: 'asc' | 'desc';
  total: number;
  items: Record<number, CurationItem>;
  itemsVersion: number;
  itemsError: string | null;
  itemsLoaded: boolean;
  cursor: number;
  undo: UndoEntry[];
  init(): Promise<void>;
  setEncoder(name: string): void;
  setThreshold(t: number): void;
  loadClasses(): Promise<void>;
  selectClass(wnid: string): void;
  setSort(sort: SortKey, order?: 'asc' | 'desc'): void;
  ensureRange(start: number, end: number): void;
  setCursor(i: number): void;
  decide(decision: Decision): Promise<void>;
  undoLast(): Promise<void>;
}

let countSeq = 0;
let histSeq = 0;
let itemsGeneration = 0;
const loadingPages = new Set<string>();
let saveTimer: ReturnType<typeof setTimeout> | undefined;

export const useCuration = create<CurationState>((set, get) => {
  async function loadHistogram(): Promise<void> {
    const { selected, threshold } = get();
    if (!selected) return set({ histogram: null });
    const seq = ++histSeq;
    try {
      const histogram = await api().call('curation.histogram', { wnid: selected, threshold, bins: 40 });
      if (seq === histSeq) set({ histogram, histogramError: null });
    } catch (err) {
      if (seq === histSeq) set({ histogramError: errorText(err) });
    }
  }

  function resetItems(): void {
    itemsGeneration++;
    loadingPages.clear();
    set((s) => ({ items: {}, total: 0, itemsLoaded: false, itemsVersion: s.itemsVersion + 1, itemsError: null }));
    get().ensureRange(0, PAGE);
  }

  async function loadPage(page: number): Promise<void> {
    const { selected, sort, order } = get();
    if (!selected) return;
    const generation = itemsGeneration;
    const key = `${generation}:${page}`;
    if (loadingPages.has(key)) return;
    loadingPages.add(key);
    try {
      const res = await api().call('curation.items', { wnid: selected, sort, order, offset: page * PAGE, limit: PAGE });
      if (generation !== itemsGeneration) return;
      set((s) => {
        const items = { ...s.items };
        res.items.forEach((item, i) => (items[page * PAGE + i] = item));
        return { items, total: res.total, itemsLoaded: true, itemsVersion: s.itemsVersion + 1, itemsError: null };
      });
    } catch (err) {
      loadingPages.delete(key);
      if (generation === itemsGeneration) set({ itemsError: errorText(err) });
    }
  }

  /** Store the threshold once the slider rests, then refresh kept marks in the grid. */
  function scheduleSave(): void {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(async () => {
      const { threshold, encoder } = get();
      try {
        const saved = await api().call('curation.setThreshold', { threshold, ...(encoder ? { encoder } : {}) });
        set({ savedThreshold: saved.threshold });
        void useApp.getState().refreshStatus();
        if (get().selected) resetItems();
      } catch (err) {
        useApp.getState().notify('error', `could not save the threshold: ${errorText(err)}`);
      }
    }, 500);
  }

  /** Decisions are written one after another, in the order they were made (fast typing, undo right after). */
  let writes: Promise<unknown> = Promise.resolve();

  function writeDecision(index: number, item: CurationItem, wnid: string, decision: Decision): Promise<boolean> {
    set((s) => ({ items: { ...s.items, [index]: { ...item, decision } }, itemsVersion: s.itemsVersion + 1 }));
    const write = writes.then(async () => {
      try {
        await api().call('curation.decide', { sampleId: item.sampleId, wnid, decision });
        return true;
      } catch (err) {
        set((s) => ({ items: { ...s.items, [index]: item }, itemsVersion: s.itemsVersion + 1 }));
        useApp.getState().notify('error', `decision on sample ${item.sampleId} not saved: ${errorText(err)}`);
        return false;
      }
    });
    writes = write;
    return write;
  }

  return {
    ready: false,
    encoders: [],
    encoder: null,
    threshold: 0.5,
    savedThreshold: null,
    classes: [],
    classesError: null,
    counting: false,
    selected: null,
    histogram: null,
    histogramError: null,
    sort: 'text',
    order: 'desc',
    total: 0,
    items: {},
    itemsVersion: 0,
    itemsError: null,
    itemsLoaded: false,
    cursor: 0,
    undo: [],

    async init() {
      try {
        const [settings, encoders] = await Promise.all([api().call('curation.settings', {}), api().call('encoders.list', {})]);
        const encoder = settings.encoder ?? encoders[0]?.name ?? null;
        const fallback = encoders.find((e) => e.name === encoder)?.defaultThreshold ?? 0.5;
        set({ encoders, encoder, threshold: settings.threshold ?? fallback, savedThreshold: settings.threshold, ready: true, classesError: null });
      } catch (err) {
        set({ classesError: errorText(err), ready: true });
        return;
      }
      await get().loadClasses();
      // After a new match run the selected class may be gone: then the first class is shown (or none).
      const { selected, classes } = get();
      const first = selected && classes.some((c) => c.wnid === selected) ? selected : classes[0]?.wnid;
      if (first) get().selectClass(first);
      else set({ selected: null, histogram: null, items: {}, total: 0, itemsLoaded: false });
    },

    setEncoder(name) {
      const def = get().encoders.find((e) => e.name === name);
      set({ encoder: name, threshold: def?.defaultThreshold ?? get().threshold });
      void get().loadClasses();
      void loadHistogram();
      scheduleSave();
    },

    setThreshold(t) {
      if (!Number.isFinite(t)) return;
      set({ threshold: Math.max(-1, Math.min(1, t)) });
      void get().loadClasses();
      void loadHistogram();
      scheduleSave();
    },

    async loadClasses() {
      const seq = ++countSeq;
      const { threshold, encoder } = get();
      set({ counting: true });
      try {
        const classes = await api().call('curation.classes', { threshold, ...(encoder ? { encoder } : {}) });
        if (seq === countSeq) set({ classes, classesError: null, counting: false });
      } catch (err) {
        if (seq === countSeq) set({ classesError: errorText(err), counting: false });
      }
    },

    selectClass(wnid) {
      set({ selected: wnid, cursor: 0, undo: [] });
      void loadHistogram();
      resetItems();
    },

    setSort(sort, order) {
      set({ sort, order: order ?? get().order, cursor: 0 });
      resetItems();
    },

    ensureRange(start, end) {
      const { items, total, itemsLoaded } = get();
      // Until the first page says how many items there are, only the first page is asked for.
      const last = itemsLoaded ? Math.min(end, total) : Math.min(end, PAGE);
      for (let p = Math.floor(Math.max(0, start) / PAGE); p * PAGE < last; p++) {
        if (!items[p * PAGE]) void loadPage(p);
      }
    },

    setCursor(i) {
      const { total } = get();
      if (total === 0) return;
      set({ cursor: Math.max(0, Math.min(total - 1, i)) });
    },

    async decide(decision) {
      const { cursor, items, selected, total } = get();
      const item = items[cursor];
      if (!item || !selected) return;
      // The cursor moves at once, so the next key acts on the next image even before this one is saved.
      if (cursor < total - 1) set({ cursor: cursor + 1 });
      if (item.decision === decision) return;
      const entry: UndoEntry = { index: cursor, sampleId: item.sampleId, wnid: selected, previous: item.decision };
      set((s) => ({ undo: [...s.undo.slice(-199), entry] }));
      if (await writeDecision(cursor, item, selected, decision)) void get().loadClasses();
      else set((s) => ({ undo: s.undo.filter((e) => e !== entry) }));
    },

    async undoLast() {
      const entry = get().undo.at(-1);
      if (!entry) return;
      const item = get().items[entry.index];
      set((s) => ({ undo: s.undo.slice(0, -1), cursor: entry.index }));
      if (!item || item.sampleId !== entry.sampleId || entry.wnid !== get().selected) return;
      await writeDecision(entry.index, item, entry.wnid, entry.previous);
      void get().loadClasses();
    },
  };
});
