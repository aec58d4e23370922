// Downloading one image URL politely and defensively: bounded redirects, a deadline per attempt, retries with
// exponential backoff for transient failures (timeouts, resets, 5xx, 429; a `Retry-After` up to 30 s is honoured), a size limit enforced while streaming,
// a content-type check, and the `X-Robots-Tag: noai / noimageai` opt-out (then the body is never read).
// Concurrency per host is bounded by HostLimiter so one server never gets more than a few requests at once.
import http from 'node:http';
import https from 'node:https';

export type FetchFailure = 'http_error' | 'timeout' | 'not_image' | 'too_large' | 'opted_out';

export type FetchOutcome =
  | { status: 'ok'; data: Buffer; contentType: string | null; finalUrl: string; attempts: number }
  | { status: FetchFailure; error: string; attempts: number };

export interface FetchOptions {
  /** Deadline for one attempt (connect + headers + body), in milliseconds. */
  timeoutMs: number;
  retries: number;
  /** First backoff delay; doubles each retry (with jitter). */
  backoffMs: number;
  maxRedirects: number;
  maxBytes: number;
  userAgent: string;
  signal?: AbortSignal;
}

export const DEFAULT_FETCH_OPTIONS: FetchOptions = {
  timeoutMs: 10_000,
  retries: 2,
  backoffMs: 500,
  maxRedirects: 5,
  maxBytes: 20 * 1024 * 1024,
  userAgent: 'imagenot-studio/0.1 (dataset research; honours X-Robots-Tag noai/noimageai)',
};

/** Bot names whose X-Robots-Tag directives apply to us (besides directives without a bot name). */
const OUR_BOT_NAMES = ['imagenot', 'img2dataset', '*'];

/** True when an X-Robots-Tag header opts the image out of AI use for us: `noai` or `noimageai`. */
export function optsOutOfAi(header: string | string[] | undefined): boolean {
  if (!header) return false;
  for (const value of Array.isArray(header) ? header : [header]) {
    // "googlebot: noindex, noai" applies to googlebot only; "noai" or "imagenot: noimageai" apply to us.
    let scope: string | null = null;
    for (const raw of value.split(',')) {
      let d = raw.trim().toLowerCase();
      const colon = d.indexOf(':');
      if (colon >= 0 && !/^(unavailable_after|max-)/.test(d)) {
        scope = d.slice(0, colon).trim();
        d = d.slice(colon + 1).trim();
      }
      if ((d === 'noai' || d === 'noimageai') && (scope == null || OUR_BOT_NAMES.includes(scope))) return true;
    }
  }
  return false;
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** One attempt's result: final, or transient (worth a retry). */
type Attempt = { final: FetchOutcome } | { transient: { status: FetchFailure; error: string; retryAfterMs?: number } };

/** The server's `Retry-After` (seconds or an HTTP date) in milliseconds, capped so one host cannot stall a fetch. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 30_000) : undefined;
}

class AttemptTimeout extends Error {}

function isImageContentType(ct: string | null): boolean {
  if (!ct) return true; // absent: let the decoder decide
  const t = ct.split(';')[0].trim().toLowerCase();
  return t.startsWith('image/') || t === 'application/octet-stream' || t === 'binary/octet-stream' || t === '';
}

function attempt(startUrl: string, opts: FetchOptions, attemptNo: number): Promise<Attempt> {
  return new Promise((resolve) => {
    let done = false;
    let current: http.ClientRequest | undefined;
    const finish = (a: Attempt) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(a);
    };
    const fail = (status: FetchFailure, error: string) => finish({ final: { status, error, attempts: attemptNo } });
    const timer = setTimeout(() => {
      current?.destroy(new AttemptTimeout());
      finish({ transient: { status: 'timeout', error: `timed out after ${opts.timeoutMs / 1000}s` } });
    }, opts.timeoutMs);
    const onAbort = () => {
      current?.destroy(new Error('aborted'));
      finish({ transient: { status: 'http_error', error: 'aborted' } });
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const go = (urlText: string, redirects: number) => {
      let url: URL;
      try {
        url = new URL(urlText);
      } catch {
        return fail('http_error', `invalid URL ${JSON.stringify(urlText.slice(0, 200))}`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('http_error', `unsupported URL scheme ${url.protocol}`);
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.get(url, { agent: url.protocol === 'https:' ? agents.https : agents.http, headers: { 'user-agent': opts.userAgent, accept: 'image/*,*/*;q=0.8' } }, (res) => {
        const code = res.statusCode ?? 0;
        if (optsOutOfAi(res.headers['x-robots-tag'])) {
          fail('opted_out', `X-Robots-Tag: ${[res.headers['x-robots-tag']].flat().join(', ')}`);
          return void res.destroy();
        }
        if (code >= 300 && code < 400 && res.headers.location) {
          res.resume();
          if (redirects >= opts.maxRedirects) return fail('http_error', `too many redirects (more than ${opts.maxRedirects})`);
          let next: string;
          try {
            next = new URL(res.headers.location, url).toString();
          } catch {
            return fail('http_error', `bad redirect location ${JSON.stringify(res.headers.location)}`);
          }
          return go(next, redirects + 1);
        }
        if (code !== 200) {
          res.resume();
          const error = `HTTP ${code}${res.statusMessage ? ' ' + res.statusMessage : ''}`;
          if (code >= 500 || code === 429 || code === 408) {
            return finish({ transient: { status: 'http_error', error, retryAfterMs: retryAfterMs(res.headers['retry-after']) } });
          }
          return fail('http_error', error);
        }
        const contentType = (res.headers['content-type'] as string | undefined) ?? null;
        if (!isImageContentType(contentType)) {
          fail('not_image', `content-type ${contentType}`);
          return void res.destroy();
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > opts.maxBytes) {
          fail('too_large', `content-length ${declared} exceeds the ${opts.maxBytes}-byte limit`);
          return void res.destroy();
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > opts.maxBytes) {
            fail('too_large', `body exceeds the ${opts.maxBytes}-byte limit`);
            return void res.destroy();
          }
          chunks.push(chunk);
        });
        res.on('end', () => finish({ final: { status: 'ok', data: Buffer.concat(chunks), contentType, finalUrl: url.toString(), attempts: attemptNo } }));
        res.on('error', (err) => finish({ transient: { status: 'http_error', error: `connection error while reading: ${err.message}` } }));
        res.on('aborted', () => finish({ transient: { status: 'http_error', error: 'connection closed before the body ended' } }));
      });
      current = req;
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err instanceof AttemptTimeout) return;
        const permanent = err.code === 'ENOTFOUND' || err.code === 'ERR_TLS_CERT_ALTNAME_INVALID' || err.code === 'CERT_HAS_EXPIRED';
        const error = `${err.code ?? 'network error'}: ${err.message}`;
        if (permanent) fail('http_error', error);
        else finish({ transient: { status: 'http_error', error } });
      });
    };
    go(startUrl, 0);
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

/** Download one URL with retries. Never throws for network or HTTP problems: the outcome says what happened. */
export async function fetchUrl(url: string, opts: FetchOptions): Promise<FetchOutcome> {
  let last: { status: FetchFailure; error: string; retryAfterMs?: number } = { status: 'http_error', error: 'not attempted' };
  for (let i = 0; i <= opts.retries; i++) {
    if (opts.signal?.aborted) break;
    const a = await attempt(url, opts, i + 1);
    if ('final' in a) return a.final;
    last = a.transient;
    const backoff = opts.backoffMs * 2 ** i * (0.75 + Math.random() / 2);
    if (i < opts.retries) await sleep(Math.max(backoff, last.retryAfterMs ?? 0), opts.signal);
  }
  return { status: last.status, error: opts.retries > 0 ? `${last.error} (after ${opts.retries + 1} attempts)` : last.error, attempts: opts.retries + 1 };
}

/** Counts requests in flight per host so that no host gets more than `perHost` at once. */
export class HostSlots {
  private readonly active = new Map<string, number>();
  constructor(private readonly perHost: number) {}

  static hostOf(url: string): string {
    try {
      return new URL(url).host.toLowerCase();
    } catch {
      return '';
    }
  }

  free(host: string): boolean {
    return (this.active.get(host) ?? 0) < this.perHost;
  }

  acquire(host: string): void {
    this.active.set(host, (this.active.get(host) ?? 0) + 1);
  }

  release(host: string): void {
    const n = (this.active.get(host) ?? 1) - 1;
    if (n <= 0) this.active.delete(host);
    else this.active.set(host, n);
  }
}
