// Curation screen: a threshold explored freely (every class recounted live as the slider moves) and applied to the
// workspace only on request; the class list in a stable order; the selected class's definition, filter counts and
// histogram; a paged cache of its candidates under one of the grid's filters for the windowed grid; keyboard and
// bulk decisions with an undo stack of batches; the expanded view of one candidate.
import { create } from 'zustand';
import { api, errorText } from '../api/client.ts';
import type {
  ClassCount,
  ClassInfo,
  CurationItem,
  CurationItemDetail,
  CurationSettings,
  Decision,
  EncoderView,
  Histogram,
  ItemFilter,
  SortKey,
} from '../api/types.ts';
import { useApp } from './app.ts';
import { orderClasses, type ClassOrder } from './class-order.ts';
import { unpackInt32 } from '../../native-workers/api/channels/packed.ts';
import { decisionsChanged, localCounts, syncSliderIndex } from './slider-counts.ts';

export const PAGE = 120;
/** Half-width of the "near the threshold" filter. */
export const NEAR_BAND = 0.02;
export type { ClassOrder };

interface UndoEntry {
  /** The batch number, once the write has answered (null when it failed). */
  batch: Promise<number | null>;
  label: string;
  /** Where the cursor goes back to (single decisions). */
  index: number | null;
  wnid: string;
}

interface CurationState {
  ready: boolean;
  encoders: EncoderView[];
  /** The workspace's encoder, threshold and kept count (what selection, status and exports use). */
  settings: CurationSettings | null;
  /** The encoder being explored (the workspace's unless switched). */
  encoder: string | null;
  /** The threshold being explored; differs from settings.threshold until applied. */
  threshold: number;
  classes: ClassCount[];
  /** Each class's position in `classes`: a recount replaces counts in place, so it changes only with the list. */
  classPosition: Map<string, number>;
  /** The index version the class list belongs to (kept counts of the same version line up with it). */
  version: string | null;
  current: boolean;
  classesError: string | null;
  counting: boolean;
  /** The threshold the shown kept counts were computed at (behind `threshold` while a recount is on its way). */
  countedAt: number | null;
  classOrder: ClassOrder;
  /** Class wnids in display order (recomputed only when the order is chosen or the class list reloads). */
  orderedWnids: string[];
  selected: string | null;
  classInfo: ClassInfo | null;
  histogram: Histogram | null;
  histogramError: string | null;
  sort: SortKey;
  order: 'asc' | 'desc';
  filter: ItemFilter;
  total: number;
  classTotal: number;
  items: Record<number, CurationItem>;
  itemsVersion: number;
  itemsError: string | null;
  itemsLoaded: boolean;
  cursor: number;
  /** Candidates marked for a bulk action (sample ids). */
  marked: Set<number>;
  undo: UndoEntry[];
  expanded: CurationItemDetail | null;
  expandedError: string | null;
  init(): Promise<void>;
  setEncoder(name: string): void;
  setThreshold(t: number): void;
  applyThreshold(): Promise<void>;
  resetThreshold(): void;
  loadClasses(): Promise<void>;
  setClassOrder(o: ClassOrder): void;
  selectClass(wnid: string): void;
  setSort(sort: SortKey, order?: 'asc' | 'desc'): void;
  setFilter(f: ItemFilter): void;
  ensureRange(start: number, end: number): void;
  setCursor(i: number): void;
  toggleMark(i: number): void;
  clearMarks(): void;
  decide(decision: Decision): Promise<void>;
  decideMany(decision: Decision, target: 'marked' | 'filter'): Promise<void>;
  undoLast(): Promise<void>;
  expand(i: number | null): Promise<void>;
}

let histSeq = 0;
let infoSeq = 0;
let itemsGeneration = 0;
const loadingPages = new Set<string>();
let classInfoTimer: ReturnType<typeof setTimeout> | undefined;
let gridTimer: ReturnType<typeof setTimeout> | undefined;
/** The slider's recount: one request in flight; the newest threshold waits for it (no pile-up while dragging). */
let countsInFlight = false;
let countsPending: number | null = null;
/** Every recount is numbered; counts are shown only if no later recount's counts are already on screen. */
let recountSeq = 0;
let shownSeq = 0;
/** Whether the counts on screen were counted in the page (the server confirms those once the slider rests). */
let shownFromPage = false;

export const useCuration = create<CurationState>((set, get) => {
  const encoderArg = () => (get().encoder ? { encoder: get().encoder! } : {});

  async function loadHistogram(): Promise<void> {
    const { selected, threshold } = get();
    if (!selected) return set({ histogram: null });
    const seq = ++histSeq;
    try {
      const histogram = await api().call('curation.histogram', {
        wnid: selected,
        threshold,
        bins: 40,
        ...encoderArg(),
      });
      if (seq === histSeq) set({ histogram, histogramError: null });
    } catch (err) {
      if (seq === histSeq) set({ histogramError: errorText(err) });
    }
  }

  async function loadClassInfo(): Promise<void> {
    const { selected, threshold } = get();
    if (!selected) return set({ classInfo: null });
    const seq = ++infoSeq;
    try {
      const classInfo = await api().call('curation.class', {
        wnid: selected,
        threshold,
        band: NEAR_BAND,
        ...encoderArg(),
      });
      if (seq === infoSeq) set({ classInfo });
    } catch (err) {
      if (seq === infoSeq) set({ histogramError: errorText(err) });
    }
  }

  /**
   * Start a new generation of grid pages. `soft` keeps the items on screen until their replacement arrives (a
   * threshold move only changes kept marks), instead of blanking the grid.
   */
  function resetItems(soft = false): void {
    itemsGeneration++;
    loadingPages.clear();
    if (!soft)
      set((s) => ({
        items: {},
        total: 0,
        itemsLoaded: false,
        itemsVersion: s.itemsVersion + 1,
        itemsError: null,
        marked: new Set(),
      }));
    get().ensureRange(0, PAGE);
  }

  async function loadPage(page: number, replace: boolean): Promise<void> {
    const { selected, sort, order, filter, threshold } = get();
    if (!selected) return;
    const generation = itemsGeneration;
    const key = `${generation}:${page}`;
    if (loadingPages.has(key)) return;
    loadingPages.add(key);
    try {
      const res = await api().call('curation.items', {
        wnid: selected,
        sort,
        order,
        filter,
        threshold,
        band: NEAR_BAND,
        offset: page * PAGE,
        limit: PAGE,
      });
      if (generation !== itemsGeneration) return;
      set((s) => {
        const items: Record<number, CurationItem> = replace ? {} : { ...s.items };
        res.items.forEach((item, i) => (items[page * PAGE + i] = item));
        return {
          items,
          total: res.total,
          classTotal: res.classTotal,
          itemsLoaded: true,
          itemsVersion: s.itemsVersion + 1,
          itemsError: null,
          cursor: Math.min(s.cursor, Math.max(0, res.total - 1)),
        };
      });
    } catch (err) {
      loadingPages.delete(key);
      if (generation === itemsGeneration) set({ itemsError: errorText(err) });
    }
  }

  /** Show counts at a threshold (unchanged classes keep their object, so their rows are not rendered again). */
  function showCounts(kept: Int32Array, threshold: number, seq: number, current: boolean, fromPage: boolean): void {
    if (seq < shownSeq) return;
    shownSeq = seq;
    shownFromPage = fromPage;
    set((s) => ({
      classes: s.classes.map((c, i) => (c.kept === kept[i] ? c : { ...c, kept: kept[i] })),
      current,
      classesError: null,
      countedAt: threshold,
    }));
  }

  /** Counts at the current threshold: in the page when it holds the index (slider-counts.ts), else from the server. */
  async function recount(): Promise<void> {
    const seq = ++recountSeq;
    const { encoder, version, classes, threshold } = get();
    const local = encoder ? localCounts(encoder, version, classes.length, threshold) : null;
    if (local) return showCounts(local, threshold, seq, true, true);
    return serverRecount();
  }

  /** The server's counts; one request in flight, the newest threshold asked for when it answers. */
  async function serverRecount(): Promise<void> {
    if (countsInFlight) {
      countsPending = get().threshold;
      return;
    }
    countsInFlight = true;
    set({ counting: true });
    try {
      for (;;) {
        const threshold = get().threshold;
        const seq = ++recountSeq;
        const res = await api().call('curation.counts', { threshold, ...encoderArg() });
        const kept = unpackInt32(res.kept);
        if (res.version !== get().version || kept.length !== get().classes.length) {
          await get().loadClasses();
        } else {
          const shown = get().classes;
          // Counts that differ from what the page counted itself: decisions made elsewhere; fetch them.
          if (shownFromPage && get().countedAt === threshold && shown.some((c, i) => c.kept !== kept[i])) {
            decisionsChanged();
            void syncClassList();
          }
          showCounts(kept, threshold, seq, res.current, false);
        }
        if (countsPending == null || countsPending === threshold) break;
        countsPending = null;
      }
    } catch (err) {
      set({ classesError: errorText(err) });
    } finally {
      countsInFlight = false;
      countsPending = null;
      set({ counting: false });
    }
  }

  /** Fetch what the page needs to count the current class list itself. */
  function syncClassList(): Promise<void> {
    const { encoder, version, classes } = get();
    if (!encoder || !version) return Promise.resolve();
    return syncSliderIndex(
      encoder,
      version,
      classes.map((c) => c.wnid),
    );
  }

  /** After the threshold moved: counts now; histogram line is local; facets and grid marks once the slider rests. */
  function thresholdMoved(): void {
    void recount();
    clearTimeout(classInfoTimer);
    classInfoTimer = setTimeout(() => void loadClassInfo(), 120);
    clearTimeout(gridTimer);
    gridTimer = setTimeout(() => {
      // Once the slider rests, the server's counts confirm the page's (they differ only after changes made elsewhere).
      if (shownFromPage) void serverRecount();
      if (!get().selected) return;
      if (
        get().histogram &&
        (get().threshold < get().histogram!.edges[0] || get().threshold > get().histogram!.edges.at(-1)!)
      )
        void loadHistogram();
      // Filters by kept/near change membership with the threshold: reload from the top; otherwise swap marks in place.
      resetItems(!['kept', 'dropped', 'near'].includes(get().filter));
    }, 250);
  }

  /** Decisions are written one after another, in the order they were made (fast typing, undo right after). */
  let writes: Promise<unknown> = Promise.resolve();

  function afterDecisions(): void {
    void get().loadClasses();
    void loadClassInfo();
    void useApp.getState().refreshStatus();
  }

  function writeDecision(index: number, item: CurationItem, wnid: string, decision: Decision): Promise<number | null> {
    decisionsChanged();
    set((s) => ({ items: { ...s.items, [index]: { ...item, decision } }, itemsVersion: s.itemsVersion + 1 }));
    const write = writes.then(async () => {
      try {
        const res = await api().call('curation.decide', { sampleId: item.sampleId, wnid, decision });
        return res.batch;
      } catch (err) {
        set((s) => ({ items: { ...s.items, [index]: item }, itemsVersion: s.itemsVersion + 1 }));
        useApp.getState().notify('error', `decision on sample ${item.sampleId} not saved: ${errorText(err)}`);
        return null;
      }
    });
    writes = write;
    return write;
  }

  return {
    ready: false,
    encoders: [],
    settings: null,
    encoder: null,
    threshold: 0.5,
    classes: [],
    classPosition: new Map(),
    version: null,
    current: true,
    classesError: null,
    counting: false,
    countedAt: null,
    classOrder: 'candidates',
    orderedWnids: [],
    selected: null,
    classInfo: null,
    histogram: null,
    histogramError: null,
    sort: 'text',
    order: 'desc',
    filter: 'all',
    total: 0,
    classTotal: 0,
    items: {},
    itemsVersion: 0,
    itemsError: null,
    itemsLoaded: false,
    cursor: 0,
    marked: new Set(),
    undo: [],
    expanded: null,
    expandedError: null,

    async init() {
      try {
        const [settings, encoders] = await Promise.all([
          api().call('curation.settings', {}),
          api().call('encoders.list', {}),
        ]);
        // Returning to the screen keeps an explored threshold; a first visit starts at the workspace's.
        const keep = get().ready && get().encoder === settings.encoder;
        set({
          encoders,
          settings,
          encoder: keep ? get().encoder : settings.encoder,
          threshold: keep ? get().threshold : settings.threshold,
          ready: true,
          classesError: null,
        });
      } catch (err) {
        set({ classesError: errorText(err), ready: true });
        return;
      }
      await get().loadClasses();
      // The same recount a slider move makes, once: the first real move then runs on warm paths end to end.
      void recount();
      // After a new match run the selected class may be gone: then the first class is shown (or none).
      const { selected, classes, orderedWnids } = get();
      const first = selected && classes.some((c) => c.wnid === selected) ? selected : orderedWnids[0];
      if (first) get().selectClass(first);
      else
        set({
          selected: null,
          classInfo: null,
          histogram: null,
          items: {},
          total: 0,
          classTotal: 0,
          itemsLoaded: false,
          marked: new Set(),
          expanded: null,
        });
    },

    setEncoder(name) {
      const def = get().encoders.find((e) => e.name === name);
      const applied = get().settings;
      set({
        encoder: name,
        threshold: applied?.encoder === name ? applied.threshold : (def?.defaultThreshold ?? get().threshold),
      });
      void get()
        .loadClasses()
        .then(() => {
          void loadHistogram();
          void loadClassInfo();
          resetItems();
        });
    },

    setThreshold(t) {
      if (!Number.isFinite(t)) return;
      set({ threshold: Math.max(-1, Math.min(1, t)) });
      thresholdMoved();
    },

    async applyThreshold() {
      const { threshold, encoder } = get();
      try {
        const settings = await api().call('curation.setThreshold', { threshold, ...(encoder ? { encoder } : {}) });
        set({ settings });
        void useApp.getState().refreshStatus();
        useApp
          .getState()
          .notify(
            'info',
            `workspace threshold set to ${settings.threshold} (${settings.encoder}): ${settings.kept ?? 0} kept`,
          );
      } catch (err) {
        useApp.getState().notify('error', `could not apply the threshold: ${errorText(err)}`);
      }
    },

    resetThreshold() {
      const s = get().settings;
      if (!s) return;
      if (s.encoder !== get().encoder) get().setEncoder(s.encoder);
      else get().setThreshold(s.threshold);
    },

    async loadClasses() {
      const { threshold } = get();
      const seq = ++recountSeq;
      set({ counting: true });
      try {
        const res = await api().call('curation.classes', { threshold, ...encoderArg() });
        shownSeq = Math.max(shownSeq, seq);
        shownFromPage = false;
        const sameList =
          res.classes.length === get().classes.length && res.classes.every((c, i) => c.wnid === get().classes[i]?.wnid);
        set({
          classes: res.classes,
          classPosition:
            sameList && get().classPosition.size
              ? get().classPosition
              : new Map(res.classes.map((c, i) => [c.wnid, i])),
          version: res.version,
          current: res.current,
          classesError: null,
          counting: false,
          countedAt: threshold,
          orderedWnids:
            sameList && get().orderedWnids.length ? get().orderedWnids : orderClasses(res.classes, get().classOrder),
        });
        // The slider may have moved while the list was on its way.
        if (get().threshold !== threshold) void recount();
        void syncClassList();
      } catch (err) {
        set({ classesError: errorText(err), counting: false });
      }
    },

    setClassOrder(classOrder) {
      set({ classOrder, orderedWnids: orderClasses(get().classes, classOrder) });
    },

    selectClass(wnid) {
      set({
        selected: wnid,
        cursor: 0,
        classInfo: null,
        expanded: null,
        filter: get().selected === wnid ? get().filter : 'all',
      });
      void loadHistogram();
      void loadClassInfo();
      resetItems();
    },

    setSort(sort, order) {
      set({ sort, order: order ?? get().order, cursor: 0 });
      resetItems();
    },

    setFilter(filter) {
      set({ filter, cursor: 0 });
      resetItems();
    },

    ensureRange(start, end) {
      const { items, total, itemsLoaded } = get();
      const generation = itemsGeneration;
      // Until the first page says how many items there are, only the first page is asked for.
      const last = itemsLoaded ? Math.min(end, total) : Math.min(end, PAGE);
      for (let p = Math.floor(Math.max(0, start) / PAGE); p * PAGE < Math.max(last, 1); p++) {
        const stale = !loadingPages.has(`${generation}:${p}`);
        // A soft reset leaves old items in place: pages are fetched again for the new generation.
        if (!items[p * PAGE] || stale) void loadPage(p, false);
      }
    },

    setCursor(i) {
      const { total } = get();
      if (total === 0) return;
      set({ cursor: Math.max(0, Math.min(total - 1, i)) });
    },

    toggleMark(i) {
      const item = get().items[i];
      if (!item) return;
      const marked = new Set(get().marked);
      if (marked.has(item.sampleId)) marked.delete(item.sampleId);
      else marked.add(item.sampleId);
      set((s) => ({ marked, cursor: i, itemsVersion: s.itemsVersion + 1 }));
    },

    clearMarks() {
      set((s) => ({ marked: new Set(), itemsVersion: s.itemsVersion + 1 }));
    },

    async decide(decision) {
      const { cursor, items, selected, total } = get();
      const item = items[cursor];
      if (!item || !selected) return;
      // The cursor moves at once, so the next key acts on the next image even before this one is saved.
      if (cursor < total - 1) set({ cursor: cursor + 1 });
      if (get().expanded) void get().expand(get().cursor);
      if (item.decision === decision) return;
      const batch = writeDecision(cursor, item, selected, decision);
      const entry: UndoEntry = {
        batch,
        label: `${decision ?? 'clear'} sample ${item.sampleId}`,
        index: cursor,
        wnid: selected,
      };
      set((s) => ({ undo: [...s.undo.slice(-199), entry] }));
      if ((await batch) == null) set((s) => ({ undo: s.undo.filter((e) => e !== entry) }));
      else afterDecisions();
    },

    async decideMany(decision, target) {
      const { selected, marked, filter, threshold } = get();
      if (!selected) return;
      decisionsChanged();
      try {
        const res = await api().call(
          'curation.decideMany',
          target === 'marked'
            ? { wnid: selected, decision, sampleIds: [...marked] }
            : { wnid: selected, decision, filter, threshold, band: NEAR_BAND },
        );
        const what = target === 'marked' ? `${res.matched} marked` : `${res.matched} shown (${filter})`;
        set((s) => ({
          undo: [
            ...s.undo.slice(-199),
            { batch: Promise.resolve(res.batch), label: `${decision ?? 'clear'} ${what}`, index: null, wnid: selected },
          ],
          marked: new Set(),
        }));
        useApp.getState().notify('info', `${decision ?? 'cleared'}: ${res.changed} of ${what} changed (U undoes)`);
      } catch (err) {
        useApp.getState().notify('error', `bulk ${decision ?? 'clear'} failed: ${errorText(err)}`);
        return;
      }
      resetItems(true);
      afterDecisions();
    },

    async undoLast() {
      const entry = get().undo.at(-1);
      if (!entry) return;
      set((s) => ({
        undo: s.undo.slice(0, -1),
        ...(entry.index != null && entry.wnid === s.selected ? { cursor: entry.index } : {}),
      }));
      const batch = await entry.batch;
      if (batch == null) return;
      decisionsChanged();
      try {
        const res = await api().call('curation.undo', { batch });
        if (res.skipped)
          useApp
            .getState()
            .notify('info', `undo: ${res.skipped} candidate(s) decided again since keep their later decision`);
      } catch (err) {
        useApp.getState().notify('error', `undo failed: ${errorText(err)}`);
        return;
      }
      if (entry.wnid === get().selected) resetItems(true);
      afterDecisions();
    },

    async expand(i) {
      if (i == null) return set({ expanded: null, expandedError: null });
      const { items, selected, threshold } = get();
      const item = items[i];
      if (!item || !selected) return;
      set({ cursor: i });
      try {
        const detail = await api().call('curation.item', { wnid: selected, sampleId: item.sampleId, threshold });
        if (get().items[get().cursor]?.sampleId === detail.sampleId) set({ expanded: detail, expandedError: null });
      } catch (err) {
        set({ expandedError: errorText(err) });
      }
    },
  };
});
