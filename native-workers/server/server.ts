// Browser mode: one HTTP server for the built renderer, the typed API (`POST /api/<channel>`, `GET /api/status`),
// a WebSocket for job events (`/api/events`) and workspace media (`/media/<workspace-relative path>`).
// Every /api/* route, the socket and media need the session token; without it: 401.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Workspace } from '../store/workspace.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { createHandlers } from '../api/handlers/index.ts';
import { ApiError, dispatch } from '../api/dispatch.ts';
import { isInside } from '../store/workspace.ts';
import { MediaRefused, mediaType, resolveMediaFile } from './media.ts';
import { relayRunnerEvents } from './events.ts';

export interface ServerOptions {
  ws: Workspace;
  runner: JobRunner;
  /** The built renderer (index.html + assets); null serves a page saying how to build it. */
  rendererDir: string | null;
  port?: number;
  host?: string;
  /** Required to bind to anything but a loopback address. */
  allowRemote?: boolean;
  /** Fixed token (tests); default: 32 random bytes. */
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

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

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(`request body larger than ${MAX_BODY} bytes`, 413));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
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
  if (!isLoopback(host) && !opts.allowRemote) {
    throw new Error(`refusing to listen on ${host}: only loopback addresses are allowed without --allow-remote`);
  }
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
    if (req.method !== 'POST') return send(res, 405, { error: `use POST /api/<channel> (got ${req.method} ${url.pathname})` });
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
      return send(res, 400, { error: 'malformed media path' });
    }
    let file: string;
    try {
      file = resolveMediaFile(opts.ws.paths.root, rel);
    } catch (err) {
      if (err instanceof MediaRefused) return send(res, err.status, { error: err.message });
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
      res.end('The renderer is not built. Run `node scripts/build.mjs --renderer` (or `npm run serve`) and reload.\n');
      return;
    }
    const dir = resolve(opts.rendererDir);
    let file = resolve(dir, '.' + decodeURIComponent(url.pathname));
    if (!isInside(dir, file)) return send(res, 403, { error: 'outside the app' });
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

  const server = createServer((req, res) => {
    // URL parsing would quietly resolve `..` (and `%2e%2e`) segments; a request that has any is refused outright.
    if (hasDotSegments(req.url ?? '/')) {
      req.resume();
      return send(res, 400, { error: 'paths with . or .. segments are refused' });
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname.startsWith('/api/') ? 'api' : url.pathname.startsWith('/media/') ? 'media' : 'static';
    if (route !== 'static' && !authorised(req, url)) {
      req.resume();
      return send(res, 401, { error: 'missing or wrong token: open the URL printed by `imagenot serve` (it ends in ?token=...)' });
    }
    const work = route === 'api' ? handleApi(req, res, url) : Promise.resolve(route === 'media' ? handleMedia(res, url) : handleStatic(res, url));
    work.catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof ApiError) return send(res, err.status, { error: err.message });
      send(res, 500, { error: (err as Error)?.message ?? String(err) });
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/events' || !authorised(req, url)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
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
    server.listen(opts.port ?? 0, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    host,
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
