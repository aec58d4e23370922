// Browser mode: one HTTP server for the built renderer, the typed API (`POST /api/<channel>`, `GET /api/status`),
// a WebSocket for job events (`/api/events`) and workspace media (`/media/<workspace-relative path>`).
// Every /api/* route, the socket and media need the session token; without it: 401. Every request must name this
// server in its Host header and a browser's Origin must be this server's own (a page on another site whose name was
// rebound to 127.0.0.1 sends its own name): 403 otherwise. Bodies over 4 MiB get 413.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { hostname as machineName } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { isIP, type AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Workspace } from '../store/workspace.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { createHandlers } from '../api/handlers/index.ts';
import { ApiError, dispatch } from '../api/dispatch.ts';
import { isInside } from '../store/workspace.ts';
import { MediaRefused, mediaType, resolveMediaFile } from './media.ts';
import { relayRunnerEvents } from './events.ts';
import { bareAddress } from '../io/net-addresses.ts';
import { hostAllowed, originAllowed, resolveBindAddress, type ResolveHost } from './host-checks.ts';

export interface ServerOptions {
  ws: Workspace;
  runner: JobRunner;
  /** The built renderer (index.html + assets); null serves a page saying how to build it. */
  rendererDir: string | null;
  port?: number;
  host?: string;
  /** Required to bind to anything but a loopback address. */
  allowRemote?: boolean;
  /** Host names (besides IP literals, localhost and this machine's name) browsers may use to reach a remote server. */
  allowedHosts?: string[];
  /** Fixed token (tests); default: 32 random bytes. */
  token?: string;
  /** How `host` is resolved (default: the system resolver); tests substitute their own. */
  resolveHost?: ResolveHost;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  token: string;
  close(): Promise<void>;
}

export const MAX_BODY = 4 * 1024 * 1024;

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The page's policy: scripts and styles from this server only, images from it (media) or blob:/data: (exports). */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; " +
  "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

const tooLarge = (what: string) => new ApiError(`request body ${what} is larger than the ${MAX_BODY}-byte limit`, 413);

/** The declared body size is over the limit (the body need not be read to say no). */
function declaredTooLarge(req: IncomingMessage): boolean {
  const declared = Number(req.headers['content-length']);
  return Number.isFinite(declared) && declared > MAX_BODY;
}

/**
 * The request body as text, at most MAX_BODY bytes. Past the limit it rejects with 413 and discards the rest as it
 * arrives (the connection is not reset, so the client reads the 413), up to a bound after which it is closed.
 */
function readBody(req: IncomingMessage): Promise<string> {
  if (declaredTooLarge(req)) {
    discardBody(req);
    return Promise.reject(tooLarge(`of ${req.headers['content-length']} bytes`));
  }
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        req.off('data', onData);
        chunks.length = 0;
        discardBody(req);
        reject(tooLarge('sent'));
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Read and drop what is left of a refused body; a client that keeps sending past 16x the limit is disconnected. */
function discardBody(req: IncomingMessage): void {
  let dropped = 0;
  req.on('data', (c: Buffer) => {
    dropped += c.length;
    if (dropped > 16 * MAX_BODY) req.socket.destroy();
  });
  req.resume();
}

/** True when a raw request target has a `.` or `..` path segment, plain or percent-encoded (or cannot be decoded). */
export function hasDotSegments(target: string): boolean {
  const path = target.split('?')[0];
  return path.split('/').some((seg) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      return true;
    }
    return decoded === '.' || decoded === '..' || /(^|[\\/])\.\.?([\\/]|$)/.test(decoded);
  });
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const bind = await resolveBindAddress(host, !!opts.allowRemote, opts.resolveHost);
  const hostNames = {
    loopback: bind.loopback,
    names: [machineName(), ...(isIP(bareAddress(host)) ? [] : [host]), ...(opts.allowedHosts ?? [])].map((n) =>
      n.toLowerCase(),
    ),
  };
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const handlers = createHandlers({ ws: opts.ws, runner: opts.runner });

  const authorised = (req: IncomingMessage, url: URL): boolean => {
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('token');
    if (!given) return false;
    const bytes = Buffer.from(given);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = decodeURIComponent(url.pathname.slice('/api/'.length));
    let payload: unknown = {};
    if (req.method === 'GET' && name === 'status') {
      return send(res, 200, await dispatch(handlers, 'status.get', {}));
    }
    if (req.method !== 'POST')
      return send(res, 405, { error: `use POST /api/<channel> (got ${req.method} ${url.pathname})` });
    const body = await readBody(req);
    if (body.trim()) {
      try {
        payload = JSON.parse(body);
      } catch (err) {
        return send(res, 400, { error: `request body for ${name} is not JSON: ${(err as Error).message}` });
      }
    }
    send(res, 200, await dispatch(handlers, name, payload));
  }

  function handleMedia(res: ServerResponse, url: URL): void {
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname.slice('/media/'.length));
    } catch {
      send(res, 400, { error: 'malformed media path' });
      return;
    }
    let file: string;
    try {
      file = resolveMediaFile(opts.ws.paths.root, rel);
    } catch (err) {
      if (err instanceof MediaRefused) {
        send(res, err.status, { error: err.message });
        return;
      }
      throw err;
    }
    res.writeHead(200, {
      'content-type': mediaType(file),
      'content-length': statSync(file).size,
      'cache-control': 'private, max-age=3600',
      'x-content-type-options': 'nosniff',
    });
    createReadStream(file).pipe(res);
  }

  function handleStatic(res: ServerResponse, url: URL): void {
    if (!opts.rendererDir) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        'The renderer is not built and `imagenot serve` could not build it (its output says why). Run `node scripts/build.mjs --renderer` and restart.\n',
      );
      return;
    }
    const dir = resolve(opts.rendererDir);
    let file = resolve(dir, '.' + decodeURIComponent(url.pathname));
    if (!isInside(dir, file)) {
      send(res, 403, { error: 'outside the app' });
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(dir, 'index.html'); // single-page app
    const type = STATIC_TYPES[extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'content-type': type, 'x-content-type-options': 'nosniff' };
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] = CSP;
      headers['cache-control'] = 'no-store';
      headers['referrer-policy'] = 'no-referrer'; // the token is in the page URL
    }
    res.writeHead(200, headers);
    res.end(readFileSync(file));
  }

  /** Why a request is refused before routing (Host, Origin, declared size), or null. */
  function refusal(req: IncomingMessage): { status: number; error: string } | null {
    if (!hostAllowed(req.headers.host, hostNames)) {
      return {
        status: 403,
        error: `Host ${JSON.stringify(req.headers.host ?? '')} is not this server (DNS rebinding protection): open the URL printed by \`imagenot serve\``,
      };
    }
    if (!originAllowed(req.headers.origin, req.headers.host)) {
      return {
        status: 403,
        error: `requests from the page at ${JSON.stringify(req.headers.origin)} are refused: only this server's own page may call it`,
      };
    }
    return null;
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const refused = refusal(req);
    if (refused) {
      discardBody(req);
      return send(res, refused.status, { error: refused.error });
    }
    // URL parsing would quietly resolve `..` (and `%2e%2e`) segments; a request that has any is refused outright.
    if (hasDotSegments(req.url ?? '/')) {
      req.resume();
      return send(res, 400, { error: 'paths with . or .. segments are refused' });
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname.startsWith('/api/') ? 'api' : url.pathname.startsWith('/media/') ? 'media' : 'static';
    if (route !== 'static' && !authorised(req, url)) {
      req.resume();
      return send(res, 401, {
        error: 'missing or wrong token: open the URL printed by `imagenot serve` (it ends in ?token=...)',
      });
    }
    const work =
      route === 'api'
        ? handleApi(req, res, url)
        : Promise.resolve(route === 'media' ? handleMedia(res, url) : handleStatic(res, url));
    work.catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof ApiError) return send(res, err.status, { error: err.message });
      send(res, 500, { error: (err as Error)?.message ?? String(err) });
    });
  };
  const server = createServer(handle);
  // `Expect: 100-continue` (curl does this for large uploads): say no before the body is sent when it is refused or
  // declared too large; otherwise let it come.
  server.on('checkContinue', (req, res) => {
    const refused =
      refusal(req) ??
      (declaredTooLarge(req)
        ? { status: 413, error: tooLarge(`of ${req.headers['content-length']} bytes`).message }
        : null);
    if (!refused) {
      res.writeContinue();
      return handle(req, res);
    }
    // The body never comes (no 100 Continue was sent): the connection cannot carry another request.
    send(res, refused.status, { error: refused.error }, { connection: 'close' });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Cross-site WebSocket hijacking: a socket opened by another site's page carries that site's Origin.
    const refused = refusal(req);
    const status = refused
      ? '403 Forbidden'
      : url.pathname !== '/api/events' || !authorised(req, url)
        ? '401 Unauthorized'
        : null;
    if (status) {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (client) => sockets.emit('connection', client, req));
  });
  const clients = new Set<WebSocket>();
  sockets.on('connection', (client: WebSocket) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => clients.delete(client));
  });
  const stopRelay = relayRunnerEvents(opts.runner, (name, payload) => {
    const text = JSON.stringify({ event: name, payload });
    for (const c of clients) if (c.readyState === c.OPEN) c.send(text);
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, bind.address, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = bind.address.includes(':') ? `[${bind.address}]` : bind.address;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    host: bind.address,
    token,
    async close() {
      stopRelay();
      for (const c of clients) c.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
