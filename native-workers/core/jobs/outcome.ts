// A job can succeed and still need a look: it rejected some inputs, or its result says it produced nothing (a
// selection of 0 classes, an ingest that added no sample). `jobAttention` turns a finished job's kind, result and
// rejection count into one sentence for the job list ("finished with 12 rejected; selected no classes"), or null
// when it ran clean.

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Per job kind: what its result says when it produced nothing (or lost part of its work), else null. */
const EMPTY_RESULT: Record<string, (result: Obj) => string | null> = {
  ingest: (r) => (count(r.samplesAdded) === 0 ? 'added no new samples' : null),
  match: (r) => (count(r.matched) === 0 ? 'matched no captions' : null),
  filter: (r) => (count(r.kept) === 0 ? 'no candidate is above the threshold' : null),
  select: (r) => (count(r.classes) === 0 ? 'selected no classes' : null),
  export: (r) => (count(r.classes) === 0 || count(r.train) === 0 ? 'exported no images' : null),
  clipscore: (r) => {
    const scored = count(r.scored);
    const failed = count(r.failed) ?? 0;
    if (scored === 0) return 'scored no images';
    return failed > 0 ? `${plural(failed, 'image')} could not be scored` : null;
  },
  fetch: (r) => {
    const counts = obj(r.counts);
    const ok = count(counts.ok) ?? 0;
    const optedOut = count(counts.opted_out) ?? 0;
    // Every other status (http_error, timeout, not_image, too_large, interrupted) is a failed download.
    const failed = Object.entries(counts).reduce(
      (n, [k, v]) => n + (k === 'ok' || k === 'opted_out' ? 0 : (count(v) ?? 0)),
      0,
    );
    if (count(r.attempted) === 0) return 'had nothing to download';
    if (!failed) return null;
    return `${ok.toLocaleString('en-US')} downloaded, ${failed.toLocaleString('en-US')} failed${optedOut ? `, ${optedOut.toLocaleString('en-US')} opted out` : ''}`;
  },
};

export function jobAttention(kind: string, result: unknown, rejected: number): string | null {
  const parts: string[] = [];
  if (rejected > 0) parts.push(`finished with ${rejected.toLocaleString('en-US')} rejected`);
  const empty = EMPTY_RESULT[kind]?.(obj(result));
  if (empty) parts.push(empty);
  return parts.length ? parts.join('; ') : null;
}
