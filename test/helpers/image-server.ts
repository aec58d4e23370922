// A local HTTP server on 127.0.0.1 for the fetch tests: real COCO photos, error codes, slow responses, redirects,
// the X-Robots-Tag opt-out, wrong content types, oversized bodies, a PNG bomb, a flaky route, a redirect to any URL.
// Counts every request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cocoPhotos, pngBomb } from './ingest-fixtures.ts';

export interface ImageServer {
  base: string;
  /** Requests per path (query string included). */
  requests: Map<string, number>;
  /** The Host header of every request, in order. */
  hostHeaders: string[];
  /** Photo names served under /photo/<name>. */
  photos: string[];
  close(): Promise<void>;
}

export async function startImageServer(opts: { photos?: number; delayMs?: number } = {}): Promise<ImageServer> {
  const photos = new Map(cocoPhotos(opts.photos ?? 40).map((p) => [p.name, p.data]));
  const bomb = pngBomb();
  const requests = new Map<string, number>();
  const hostHeaders: string[] = [];
  const flakySeen = new Set<string>();
  const sockets = new Set<import('node:net').Socket>();

  const sendPhoto = (res: http.ServerResponse, name: string, headers: http.OutgoingHttpHeaders = {}) => {
    const data = photos.get(name);
    if (!data) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such photo');
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': data.length, ...headers }).end(data);
  };

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.set(url, (requests.get(url) ?? 0) + 1);
    hostHeaders.push(req.headers.host ?? '');
    const parts = url.split('?')[0].split('/').filter(Boolean);
    const handle = () => {
      switch (parts[0]) {
        case 'photo':
          return sendPhoto(res, parts[1]);
        case 'status':
          return res.writeHead(Number(parts[1]), { 'content-type': 'text/plain' }).end(`status ${parts[1]}`);
        case 'slow':
          return void setTimeout(() => sendPhoto(res, parts[2]), Number(parts[1]));
        case 'redirect': {
          const n = Number(parts[1]);
          const next = n <= 1 ? `/photo/${parts[2]}` : `/redirect/${n - 1}/${parts[2]}`;
          return res.writeHead(302, { location: next }).end();
        }
        case 'redirect-to':
          // /redirect-to/<percent-encoded absolute URL>: one redirect anywhere (the SSRF tests' way to a refused address).
          return res.writeHead(302, { location: decodeURIComponent(parts[1]) }).end();
        case 'loop':
          return res.writeHead(301, { location: '/loop' }).end();
        case 'noai':
          return sendPhoto(res, parts[1], { 'x-robots-tag': 'noai' });
        case 'noimageai':
          return sendPhoto(res, parts[1], { 'x-robots-tag': 'noindex, noimageai' });
        case 'redirect-noai':
          return res.writeHead(302, { location: `/photo/${parts[1]}`, 'x-robots-tag': 'noai' }).end();
        case 'otherbot':
          return sendPhoto(res, parts[1], { 'x-robots-tag': 'googlebot: noai' });
        case 'html':
          return res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html>hello</html>');
        case 'fake-jpeg':
          return res.writeHead(200, { 'content-type': 'image/jpeg' }).end('<!DOCTYPE html><html>not a jpeg</html>');
        case 'huge': {
          // 30 MB streamed without a content-length: the client must stop at its byte limit.
          res.writeHead(200, { 'content-type': 'image/jpeg' });
          const chunk = Buffer.alloc(1 << 20, 0xff);
          let sent = 0;
          const pump = (): void => {
            while (sent < 30) {
              sent++;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          res.on('close', () => (sent = 30));
          return pump();
        }
        case 'bomb':
          return res.writeHead(200, { 'content-type': 'image/png', 'content-length': bomb.length }).end(bomb);
        case 'flaky':
          if (!flakySeen.has(url)) {
            flakySeen.add(url);
            return res.writeHead(503, { 'content-type': 'text/plain' }).end('try again');
          }
          return sendPhoto(res, parts[1]);
        default:
          return res.writeHead(404).end();
      }
    };
    if (opts.delayMs && parts[0] === 'photo') setTimeout(handle, opts.delayMs);
    else handle();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    hostHeaders,
    photos: [...photos.keys()],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
