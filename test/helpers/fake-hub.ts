// A stand-in for the Hugging Face Hub on 127.0.0.1, answering the endpoints @huggingface/hub calls to download a
// model: model info at a revision (with the commit `sha` and the siblings), paths-info (size, git blob id, LFS sha256,
// last commit) and resolve/<rev>/<file> (LFS files redirected to a CDN-like path, as the Hub does), with HTTP Range.
// Faults on demand: a transfer cut off after some bytes, bytes that differ from the recorded hash, Range ignored.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  /** owner/name */
  id: string;
  /** branch or tag -> commit */
  refs: Record<string, string>;
  files: Record<string, Buffer>;
  /** Files stored with LFS (default: *.onnx). */
  lfs?: (path: string) => boolean;
}

export interface FakeHubFaults {
  /** Cut the connection after `afterBytes` body bytes, for the next `times` transfers of the file. */
  cut?: Record<string, { afterBytes: number; times: number }>;
  /** Serve these bytes for the file while paths-info still describes the real ones. */
  tamper?: Record<string, Buffer>;
  /** Answer Range requests (other than the 0-0 probe) with the whole file. */
  ignoreRange?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  range: string | null;
  status: number;
}

const gitBlobId = (bytes: Buffer) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export async function startFakeHub(repo: FakeRepo, faults: FakeHubFaults = {}) {
  const isLfs = repo.lfs ?? ((p: string) => p.endsWith('.onnx'));
  const commits = new Set(Object.values(repo.refs));
  const commitOf = (rev: string) => (commits.has(rev) ? rev : repo.refs[decodeURIComponent(rev)]);
  const requests: RecordedRequest[] = [];
  const cuts = new Map(Object.entries(faults.cut ?? {}).map(([k, v]) => [k, { ...v }]));

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  function serveBytes(req: IncomingMessage, res: ServerResponse, path: string, etag: string): number {
    const bytes = faults.tamper?.[path] ?? repo.files[path];
    const header = req.headers.range;
    let start = 0;
    let end = bytes.length - 1;
    let status = 200;
    const m = header ? /^bytes=(\d+)-(\d*)$/.exec(header) : null;
    if (m && !(faults.ignoreRange && m[1] !== '0')) {
      start = Number(m[1]);
      end = m[2] ? Math.min(Number(m[2]), bytes.length - 1) : bytes.length - 1;
      if (start >= bytes.length) {
        res.writeHead(416, { 'content-range': `bytes */${bytes.length}` });
        res.end();
        return 416;
      }
      status = 206;
    }
    const body = bytes.subarray(start, end + 1);
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
      etag: `"${etag}"`,
      'accept-ranges': 'bytes',
    };
    if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${bytes.length}`;
    res.writeHead(status, headers);
    const cut = cuts.get(path);
    const probe = status === 206 && start === 0 && end === 0;
    if (cut && cut.times > 0 && !probe && body.length > cut.afterBytes) {
      cut.times--;
      res.write(body.subarray(0, cut.afterBytes), () => res.socket?.destroy());
      return status;
    }
    res.end(body);
    return status;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    const record = (status: number) =>
      requests.push({ method: req.method ?? '', path: url.pathname, range: req.headers.range ?? null, status });
    const prefix = `/api/models/${repo.id}/`;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && path.startsWith(`${prefix}revision/`)) {
      const commit = commitOf(url.pathname.slice(`${prefix}revision/`.length));
      record(commit ? 200 : 404);
      if (!commit) return json(res, 404, { error: 'Invalid rev id' }, { 'x-error-code': 'RevisionNotFound' });
      return json(res, 200, {
        _id: 'fake',
        id: repo.id,
        private: false,
        pipeline_tag: 'feature-extraction',
        downloads: 0,
        gated: false,
        likes: 0,
        lastModified: '2026-01-01T00:00:00.000Z',
        sha: commit,
        siblings: Object.keys(repo.files).map((rfilename) => ({ rfilename })),
      });
    }
    if (req.method === 'POST' && path.startsWith(`${prefix}paths-info/`)) {
      const commit = commitOf(url.pathname.slice(`${prefix}paths-info/`.length));
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        record(commit ? 200 : 404);
        if (!commit) return json(res, 404, { error: 'Invalid rev id' });
        const { paths } = JSON.parse(body) as { paths: string[] };
        json(
          res,
          200,
          paths
            .filter((p) => p in repo.files)
            .map((p) => {
              const bytes = repo.files[p];
              const lfs = isLfs(p) ? { oid: sha256(bytes), size: bytes.length, pointerSize: 134 } : undefined;
              return {
                type: 'file',
                path: p,
                size: bytes.length,
                oid: lfs ? gitBlobId(Buffer.from(`pointer ${lfs.oid}`)) : gitBlobId(bytes),
                lfs,
                lastCommit: { id: commit, title: 'upload', date: '2026-01-01T00:00:00.000Z' },
              };
            }),
        );
      });
      return;
    }
    if (req.method === 'GET' && (m = new RegExp(`^/${repo.id}/resolve/([^/]+)/(.+)$`).exec(path))) {
      const commit = commitOf(m[1]);
      const file = m[2];
      if (!commit || !(file in repo.files)) {
        record(404);
        return json(res, 404, { error: 'Entry not found' }, { 'x-error-code': 'EntryNotFound' });
      }
      if (isLfs(file)) {
        // The Hub answers LFS files with a redirect to its CDN, the size and sha256 in X-Linked-* headers.
        record(302);
        res.writeHead(302, {
          location: `/cdn/${sha256(repo.files[file])}/${encodeURIComponent(file)}`,
          'x-linked-size': String(repo.files[file].length),
          'x-linked-etag': `"${sha256(repo.files[file])}"`,
        });
        return res.end();
      }
      return record(serveBytes(req, res, file, gitBlobId(repo.files[file])));
    }
    if (req.method === 'GET' && (m = /^\/cdn\/([0-9a-f]{64})\/(.+)$/.exec(path))) {
      return record(serveBytes(req, res, m[2], m[1]));
    }
    record(404);
    json(res, 404, { error: `not a Hub endpoint: ${req.method} ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
