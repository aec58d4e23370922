// The `fetch` job: download images for samples that have a URL and no image. URLs that lead (directly, through DNS
// or through a redirect) to an address that is not public end 'refused_address' unless allowPrivateAddresses. Each sample is marked 'fetching'
// (committed) just before its request goes out and gets its final status (ok, http_error, timeout, not_image,
// too_large, opted_out) in the transaction that stores its image. A sample found 'fetching' when a fetch starts was
// in flight when a process died: it becomes 'interrupted' and is not requested again unless asked (--retry-failed),
// so a killed and resumed fetch never requests a URL twice.
import { z } from 'zod';
import type { WorkerContext } from '../jobs/worker-context.ts';
import { defineWorker } from '../jobs/worker-context.ts';
import { DEFAULT_FETCH_OPTIONS, fetchUrl, HostSlots, type FetchOptions } from '../io/http-fetch.ts';
import { DEFAULT_IMAGE_OPTIONS, ImageRejected, type ImageOptions } from '../io/images.ts';
import { insertImage, type ImageRow } from '../store/images.ts';
import { refreshWorkspaceIndex } from '../store/threshold-index.ts';
import {
  countToFetch,
  markInterruptedFetches,
  markFetching,
  nextToFetch,
  recordFetchResults,
  resetFetches,
  RETRYABLE_FETCH_STATUSES,
  type FetchClaim,
  type FetchResult,
} from '../store/samples.ts';
import { storeWorkspaceImage } from './ingest/common.ts';

export const FetchParams = z.object({
  concurrency: z.number().int().min(1).max(256).default(16),
  perHost: z.number().int().min(1).max(64).default(4),
  timeoutS: z
    .number()
    .positive()
    .max(600)
    .default(DEFAULT_FETCH_OPTIONS.timeoutMs / 1000),
  retries: z.number().int().min(0).max(10).default(DEFAULT_FETCH_OPTIONS.retries),
  backoffMs: z.number().int().min(0).max(60000).default(DEFAULT_FETCH_OPTIONS.backoffMs),
  maxRedirects: z.number().int().min(0).max(20).default(DEFAULT_FETCH_OPTIONS.maxRedirects),
  maxBytes: z.number().int().min(1).default(DEFAULT_FETCH_OPTIONS.maxBytes),
  maxSide: z.number().int().min(16).max(16384).default(DEFAULT_IMAGE_OPTIONS.maxSide),
  thumbSide: z.number().int().min(16).max(2048).default(DEFAULT_IMAGE_OPTIONS.thumbSide),
  keepOriginal: z.boolean().default(false),
  maxPixels: z.number().int().min(1).default(DEFAULT_IMAGE_OPTIONS.maxPixels),
  /** Request again samples that ended http_error, timeout or interrupted (and refused_address when now allowed). */
  retryFailed: z.boolean().default(false),
  /** Fetch from loopback, private, link-local and other non-public addresses too (SSRF protection off). */
  allowPrivateAddresses: z.boolean().default(false),
  /** Stop after this many downloads (tests, trial runs). */
  limit: z.number().int().min(1).optional(),
});
export type FetchParams = z.infer<typeof FetchParams>;

export interface FetchJobResult {
  attempted: number;
  /** Of those attempted in this run: stored, failed (any error status), opted out (X-Robots-Tag noai). */
  downloaded: number;
  failed: number;
  optedOut: number;
  counts: Record<string, number>;
  interruptedBefore: number;
}

/** Download, check and store one sample's image; never throws for bad input. */
async function fetchOne(
  ctx: WorkerContext,
  claim: FetchClaim,
  fetchOpts: FetchOptions,
  imageOpts: ImageOptions,
): Promise<{ result: FetchResult; image: ImageRow | null }> {
  const out = await fetchUrl(claim.url, fetchOpts);
  if (out.status !== 'ok')
    return { result: { id: claim.id, status: out.status, error: out.error, imageSha256: null }, image: null };
  try {
    const image = await storeWorkspaceImage(ctx.ws, out.data, imageOpts);
    return { result: { id: claim.id, status: 'ok', error: null, imageSha256: image.sha256 }, image };
  } catch (err) {
    if (!(err instanceof ImageRejected)) throw err;
    const status = err.problem === 'too_large' ? 'too_large' : 'not_image';
    return { result: { id: claim.id, status, error: err.message, imageSha256: null }, image: null };
  }
}

export default defineWorker({
  kind: 'fetch',
  lane: 'data',
  params: FetchParams,
  async run(ctx, p): Promise<FetchJobResult> {
    const db = ctx.ws.db;
    const interruptedBefore = db.transaction(() => {
      const n = markInterruptedFetches(db);
      // --retry-failed applies once, when the job first starts (not again on resume).
      if (p.retryFailed && ctx.cursor == null) {
        resetFetches(
          db,
          p.allowPrivateAddresses ? [...RETRYABLE_FETCH_STATUSES, 'refused_address'] : RETRYABLE_FETCH_STATUSES,
        );
      }
      return n;
    })();
    if (interruptedBefore)
      ctx.log(
        `${interruptedBefore} download(s) in flight when a previous fetch stopped are marked 'interrupted' (not requested again; use --retry-failed)`,
        'warn',
      );
    const done0 = (ctx.cursor as { done?: number } | null)?.done ?? 0;
    const total = done0 + Math.min(countToFetch(db), p.limit != null ? Math.max(0, p.limit - done0) : Infinity);
    const fetchOpts: FetchOptions = {
      ...DEFAULT_FETCH_OPTIONS,
      timeoutMs: p.timeoutS * 1000,
      retries: p.retries,
      backoffMs: p.backoffMs,
      maxRedirects: p.maxRedirects,
      maxBytes: p.maxBytes,
      allowPrivateAddresses: p.allowPrivateAddresses,
      signal: ctx.signal,
    };
    const imageOpts: ImageOptions = {
      ...DEFAULT_IMAGE_OPTIONS,
      maxSide: p.maxSide,
      thumbSide: p.thumbSide,
      keepOriginal: p.keepOriginal,
      maxPixels: p.maxPixels,
    };
    const hosts = new HostSlots(p.perHost);
    const counts: Record<string, number> = {};
    let done = done0;
    let started = done0;
    let lastQueuedId = 0;
    let exhausted = false;
    const queue: (FetchClaim & { host: string })[] = [];
    const inflight = new Set<Promise<void>>();
    let failure: unknown;

    const refill = () => {
      if (exhausted || queue.length >= p.concurrency * 2) return;
      const more = nextToFetch(db, lastQueuedId, Math.max(64, p.concurrency * 4));
      if (!more.length) exhausted = true;
      else lastQueuedId = more[more.length - 1].id;
      for (const c of more) queue.push({ ...c, host: HostSlots.hostOf(c.url) });
    };

    const launch = (claim: FetchClaim & { host: string }) => {
      hosts.acquire(claim.host);
      markFetching(db, claim.id); // committed before the request: a kill from here on never re-requests it
      started++;
      const task = fetchOne(ctx, claim, fetchOpts, imageOpts)
        .then(({ result, image }) => {
          if (ctx.signal.aborted && result.status !== 'ok') {
            result = {
              ...result,
              status: 'interrupted',
              error: 'the fetch was cancelled while this download was in flight',
            };
          }
          ctx.commit({ done: done + 1 }, () => {
            if (image) insertImage(db, image);
            recordFetchResults(db, [result]);
          });
          done++;
          counts[result.status] = (counts[result.status] ?? 0) + 1;
        })
        .catch((err) => (failure ??= err))
        .finally(() => {
          hosts.release(claim.host);
          inflight.delete(task);
        });
      inflight.add(task);
    };

    for (;;) {
      if (failure) break;
      const stopping = ctx.signal.aborted || (p.limit != null && started >= p.limit);
      if (!stopping) {
        refill();
        // Start what the global and per-host limits allow, oldest first.
        for (let i = 0; i < queue.length && inflight.size < p.concurrency && (p.limit == null || started < p.limit); ) {
          if (hosts.free(queue[i].host)) launch(queue.splice(i, 1)[0]);
          else i++;
          if (i >= queue.length) refill();
        }
      }
      if (!inflight.size) break;
      await Promise.race(inflight);
      try {
        ctx.progress(done, total, `${done} of ${total} downloaded or failed`);
      } catch {
        // Cancelled: stop launching; in-flight downloads end (aborted) and are recorded.
      }
    }
    await Promise.allSettled([...inflight]);
    if (failure) throw failure;
    ctx.throwIfCancelled();
    // Fetched images change what can be kept: the curation screen's stored index is rebuilt here, not in the app.
    if (counts.ok) refreshWorkspaceIndex(db);
    // This run's outcome in one line: opted-out samples are neither downloaded nor failed (the site asked us not to).
    const downloaded = counts.ok ?? 0;
    const optedOut = counts.opted_out ?? 0;
    const failed = done - done0 - downloaded - optedOut;
    ctx.progress(done, total, `${downloaded} downloaded, ${failed} failed${optedOut ? `, ${optedOut} opted out` : ''}`);
    return { attempted: done - done0, downloaded, failed, optedOut, counts, interruptedBefore };
  },
});
