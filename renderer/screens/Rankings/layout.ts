// Geometry of the Rankings plots: an axis range of its own per axis (padded, on tick steps, around the points and
// their error bars), and label positions that do not overlap each other, the points or (where they can) the error
// bars (greedy: each label takes the first free spot among positions around its point, nearest first).

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw) ?? 10 * p;
}

/** A padded range on tick steps around the values, and its ticks (about `count` of them). */
export function niceAxis(values: readonly number[], count = 5): { domain: [number, number]; ticks: number[] } {
  const finite = values.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (hi - lo < 1e-9) {
    const pad = Math.abs(hi) * 0.1 || 0.1;
    lo -= pad;
    hi += pad;
  }
  const pad = (hi - lo) * 0.06;
  const step = niceStep((hi - lo + 2 * pad) / count);
  const domain: [number, number] = [Math.floor((lo - pad) / step) * step, Math.ceil((hi + pad) / step) * step];
  const n = Math.round((domain[1] - domain[0]) / step);
  const ticks = Array.from({ length: n + 1 }, (_, i) => Number((domain[0] + i * step).toPrecision(12)));
  return { domain, ticks };
}

export interface LabelInput {
  /** Point position in pixels. */
  x: number;
  y: number;
  text: string;
  /** Its error bar's ends in pixels (labels keep off it too). */
  barTop?: number;
  barBottom?: number;
}

export interface LabelPlacement {
  dx: number;
  dy: number;
  anchor: 'start' | 'middle' | 'end';
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const CHAR_W = 6.4;
const TEXT_H = 12;
const POINT_R = 5;

// Right, left, above, below, then the diagonals, then the same further out.
const SPOTS: LabelPlacement[] = [1, 2.2].flatMap((k) => [
  { dx: 8 * k, dy: 4, anchor: 'start' as const },
  { dx: -8 * k, dy: 4, anchor: 'end' as const },
  { dx: 0, dy: -9 * k, anchor: 'middle' as const },
  { dx: 0, dy: 16 * k, anchor: 'middle' as const },
  { dx: 7 * k, dy: -8 * k, anchor: 'start' as const },
  { dx: 7 * k, dy: 14 * k, anchor: 'start' as const },
  { dx: -7 * k, dy: -8 * k, anchor: 'end' as const },
  { dx: -7 * k, dy: 14 * k, anchor: 'end' as const },
]);

function labelBox(p: LabelInput, s: LabelPlacement): Box {
  const w = p.text.length * CHAR_W;
  const x = p.x + s.dx;
  const x0 = s.anchor === 'start' ? x : s.anchor === 'end' ? x - w : x - w / 2;
  const baseline = p.y + s.dy;
  return { x0, y0: baseline - TEXT_H + 2, x1: x0 + w, y1: baseline + 2 };
}

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Positions for each label (in input order) inside a plot area of `width` x `height` pixels. */
export function placeLabels(points: readonly LabelInput[], width: number, height: number): LabelPlacement[] {
  const pointBoxes = points.map((p) => ({
    x0: p.x - POINT_R,
    y0: p.y - POINT_R,
    x1: p.x + POINT_R,
    y1: p.y + POINT_R,
  }));
  const barBoxes = points
    .filter((p) => p.barTop != null && p.barBottom != null)
    .map((p) => ({ x0: p.x - 3, y0: p.barTop!, x1: p.x + 3, y1: p.barBottom! }));
  const placed: Box[] = [];
  const out: LabelPlacement[] = new Array(points.length);
  // Crowded points first: they have the fewest free spots.
  const order = points.map((_, i) => i).sort((a, b) => crowd(points, b) - crowd(points, a) || a - b);
  for (const i of order) {
    let best = SPOTS[0];
    let bestCost = Infinity;
    for (const s of SPOTS) {
      const box = labelBox(points[i], s);
      let cost = 0;
      for (const b of placed) cost += overlap(box, b) * 4;
      for (const b of pointBoxes) cost += overlap(box, b) * 2;
      for (const b of barBoxes) cost += overlap(box, b);
      const outside =
        Math.max(0, -box.x0) + Math.max(0, box.x1 - width) + Math.max(0, -box.y0) + Math.max(0, box.y1 - height);
      cost += outside * TEXT_H * 3;
      if (cost < bestCost) {
        bestCost = cost;
        best = s;
        if (cost === 0) break;
      }
    }
    out[i] = best;
    placed.push(labelBox(points[i], best));
  }
  return out;
}

function crowd(points: readonly LabelInput[], i: number): number {
  let n = 0;
  for (const q of points) if (Math.hypot(q.x - points[i].x, q.y - points[i].y) < 40) n++;
  return n;
}

/** Do any two of these labels overlap? (for tests) */
export function labelsOverlap(points: readonly LabelInput[], placements: readonly LabelPlacement[]): boolean {
  const boxes = points.map((p, i) => labelBox(p, placements[i]));
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) if (overlap(boxes[i], boxes[j]) > 0) return true;
  return false;
}
