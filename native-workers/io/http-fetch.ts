// Downloading one image URL politely and defensively: bounded redirects, a deadline per attempt, retries with
// exponential backoff for transient failures (timeouts, resets, 5xx, 429; a `Retry-After` up to 30 s is honoured), a size limit enforced while streaming,
// a content-type check, and the `X-Robots-Tag: noai / noimageai` opt-out (then the body is never read).
// Concurrency per host is bounded by HostLimiter so one server never gets more than a few requests at once.
// URLs come from untrusted dataset rows, so every hop (the first request and each redirect) may connect only to
// public addresses (net-addresses.ts): an IP literal is checked before connecting, a name is resolved by our own
// lookup, which checks every address it returns and hands the socket only those, so the address connected to is
// the address checked (a DNS answer cannot change in between). `allowPrivateAddresses` lifts the rule.
import http from 'node:http';
import https from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { bareAddress, nonPublicReason } from './net-addresses.ts';

export type FetchFailure = 'http_error' | 'timeout' | 'not_image' | 'too_large' | 'opted_out' | 'refused_address';

/** Why a connection to this IP address is refused (e.g. 'loopback'), or null when it is allowed. */
export type AddressPolicy = (address: string) => string | null;

/** Resolves a host name to all its addresses (dns.lookup's shape); tests substitute their own. */
export type ResolveAll = (hostname: string, family: 0 | 4 | 6) => Promise<LookupAddress[]>;

export const resolveWithDns: ResolveAll = (hostname, family) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, family }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

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
  /** Connect to loopback, private, link-local and other non-public addresses too (default: refused). */
  allowPrivateAddresses?: boolean;
  /** How host names are resolved (default: the system resolver, dns.lookup). */
  resolve?: ResolveAll;
  /** Why an address is refused, or null to allow it (default: nonPublicReason; tests narrow it). */
  addressPolicy?: AddressPolicy;
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

/** A host or one of its addresses is not public: the request is never sent. */
export class AddressRefused extends Error {
  override name = 'AddressRefused';
}

function refusal(host: string, address: string, reason: string): AddressRefused {
  const what = host === address ? address : `${host} resolves to ${address}`;
  return new AddressRefused(
    `${what}: ${reason} address refused (dataset URLs may reach only public addresses; --allow-private-addresses allows others)`,
  );
}

/**
 * A `lookup` for http.request: resolves with `resolve`, refuses when the policy refuses any of the addresses, and
 * answers in the shape net.connect asked for (one address, or all of them for happy eyeballs).
 */
export function checkedLookup(resolve: ResolveAll, policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const family =
      options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    resolve(hostname, family).then(
      (addresses) => {
        if (!addresses.length)
          return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }), '', 0);
        for (const a of addresses) {
          const reason = policy(a.address);
          if (reason) return callback(refusal(hostname, a.address, reason), '', 0);
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

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
    const policy: AddressPolicy = opts.allowPrivateAddresses ? () => null : (opts.addressPolicy ?? nonPublicReason);
    const lookup = checkedLookup(opts.resolve ?? resolveWithDns, policy);

    const go = (urlText: string, redirects: number) => {
      let url: URL;
      try {
        url = new URL(urlText);
      } catch {
        return fail('http_error', `invalid URL ${JSON.stringify(urlText.slice(0, 200))}`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        return fail('http_error', `unsupported URL scheme ${url.protocol}`);
      // An IP literal never reaches `lookup` (net connects to it directly): it is checked here.
      const literal = bareAddress(url.hostname);
      const literalReason = isIP(literal) ? policy(literal) : null;
      if (literalReason) {
        return fail(
          'refused_address',
          `${redirects ? `redirected to ${url.origin}: ` : ''}${refusal(literal, literal, literalReason).message}`,
        );
      }
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.get(
        url,
        {
          agent: url.protocol === 'https:' ? agents.https : agents.http,
          lookup,
          headers: { 'user-agent': opts.userAgent, accept: 'image/*,*/*;q=0.8' },
        },
        (res) => {
          const code = res.statusCode ?? 0;
          if (optsOutOfAi(res.headers['x-robots-tag'])) {
            fail('opted_out', `X-Robots-Tag: ${[res.headers['x-robots-tag']].flat().join(', ')}`);
            return void res.destroy();
          }
          if (code >= 300 && code < 400 && res.headers.location) {
            res.resume();
            if (redirects >= opts.maxRedirects)
              return fail('http_error', `too many redirects (more than ${opts.maxRedirects})`);
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
              return finish({
                transient: { status: 'http_error', error, retryAfterMs: retryAfterMs(res.headers['retry-after']) },
              });
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
          res.on('end', () =>
            finish({
              final: {
                status: 'ok',
                data: Buffer.concat(chunks),
                contentType,
                finalUrl: url.toString(),
                attempts: attemptNo,
              },
            }),
          );
          res.on('error', (err) =>
            finish({ transient: { status: 'http_error', error: `connection error while reading: ${err.message}` } }),
          );
          res.on('aborted', () =>
            finish({ transient: { status: 'http_error', error: 'connection closed before the body ended' } }),
          );
        },
      );
      current = req;
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err instanceof AttemptTimeout) return;
        if (err instanceof AddressRefused)
          return fail('refused_address', `${redirects ? `redirected to ${url.origin}: ` : ''}${err.message}`);
        const permanent =
          err.code === 'ENOTFOUND' || err.code === 'ERR_TLS_CERT_ALTNAME_INVALID' || err.code === 'CERT_HAS_EXPIRED';
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
  let last: { status: FetchFailure; error: string; retryAfterMs?: number } = {
    status: 'http_error',
    error: 'not attempted',
  };
  for (let i = 0; i <= opts.retries; i++) {
    if (opts.signal?.aborted) break;
    const a = await attempt(url, opts, i + 1);
    if ('final' in a) return a.final;
    last = a.transient;
    const backoff = opts.backoffMs * 2 ** i * (0.75 + Math.random() / 2);
    if (i < opts.retries) await sleep(Math.max(backoff, last.retryAfterMs ?? 0), opts.signal);
  }
  return {
    status: last.status,
    error: opts.retries > 0 ? `${last.error} (after ${opts.retries + 1} attempts)` : last.error,
    attempts: opts.retries + 1,
  };
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
