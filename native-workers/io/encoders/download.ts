// `imagenot models add --download REPO`: fetch the files a model kind needs from the Hugging Face Hub, with
// @huggingface/hub for the Hub's API (revision -> commit, per-file size and hashes, resolve URLs and Range requests).
// The revision is pinned: a branch or tag is resolved to its commit once, and every file is read at that commit.
// Each file streams to `<file>.part` next to where it goes, is checked against the size and hash the Hub reports
// (sha256 of LFS files, the git blob id of the others) and only then takes its name. A download cut off keeps its
// .part: it is retried with an HTTP Range request from where it stopped, and the next run of the same command
// continues it. Only this explicit command touches the network; encoders at run time load local folders only.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { downloadFile, modelInfo, pathsInfo, type PathInfo } from '@huggingface/hub';
import { config } from '../../config/settings.ts';

/** The Hub's address: IMAGENOT_HF_HUB, else HF_ENDPOINT (huggingface_hub's variable, for mirrors), else the Hub. */
function hubUrl(): string {
  return config.hfHub;
}

export interface HubFile {
  path: string;
  size: number;
  /** sha256 of the content (LFS files). */
  sha256: string | null;
  /** git blob id (sha1 of "blob <size>\0" + content) of files kept in git itself. */
  gitOid: string | null;
}

export interface HubDownload {
  repo: string;
  /** What was asked for: a branch, tag or commit. */
  revision: string;
  /** The commit every file was read at. */
  commit: string;
  /** The folder holding the files. */
  dir: string;
  files: HubFile[];
}

export interface HubDownloadOptions {
  repo: string;
  revision?: string;
  files: string[];
  /** Downloads go to `<root>/<owner>--<name>@<commit>/`; other commits' folders of the same repo are removed. */
  root: string;
  hub?: string;
  /** A Hugging Face token (gated or private models); default HF_TOKEN. */
  accessToken?: string;
  /** Extra attempts per file after a cut-off transfer, each resuming where the last stopped. */
  retries?: number;
  retryDelayMs?: number;
  log?: (msg: string) => void;
}

class HubDownloadError extends Error {
  override name = 'HubDownloadError';
}

const REPO_ID = /^[\w.-]+\/[\w.-]+$/;
const COMMIT = /^[0-9a-f]{40}$/;

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

function describeHubError(err: unknown, what: string, hub: string): HubDownloadError {
  const e = err as Error & { statusCode?: number; cause?: { code?: string } };
  if (e.statusCode === 401 || e.statusCode === 403)
    return new HubDownloadError(
      `${what}: access denied (HTTP ${e.statusCode}); a gated or private model needs HF_TOKEN`,
    );
  if (e.statusCode === 404)
    return new HubDownloadError(`${what}: not found on ${hub} (${e.message.split('. URL:')[0]})`);
  if (e.statusCode)
    return new HubDownloadError(`${what}: HTTP ${e.statusCode} from ${hub}: ${e.message.split('. URL:')[0]}`);
  return new HubDownloadError(
    `${what}: cannot reach ${hub} (no network?): ${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`,
  );
}

/** The Hub's description of the wanted files at `commit`; a missing file is an error naming it. */
async function describeFiles(
  opts: HubDownloadOptions,
  hub: string,
  commit: string,
  accessToken?: string,
): Promise<HubFile[]> {
  let infos: PathInfo[];
  try {
    infos = await pathsInfo({
      repo: { type: 'model', name: opts.repo },
      paths: opts.files,
      revision: commit,
      expand: true,
      hubUrl: hub,
      accessToken,
    });
  } catch (err) {
    throw describeHubError(err, `listing the files of ${opts.repo}@${commit}`, hub);
  }
  const byPath = new Map(infos.filter((i) => i.type === 'file').map((i) => [i.path, i]));
  const missing = opts.files.filter((f) => !byPath.has(f));
  if (missing.length)
    throw new HubDownloadError(
      `${opts.repo}@${commit.slice(0, 12)} has no ${missing.join(', ')} (an ONNX export of this kind needs ${opts.files.join(', ')})`,
    );
  return opts.files.map((path) => {
    const info = byPath.get(path)!;
    return { path, size: info.size, sha256: info.lfs?.oid ?? null, gitOid: info.lfs ? null : (info.oid ?? null) };
  });
}

function startHash(file: HubFile): Hash {
  if (file.sha256) return createHash('sha256');
  const hash = createHash('sha1');
  hash.update(`blob ${file.size}\0`);
  return hash;
}

async function hashExisting(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/** Null when the bytes hashed match what the Hub reported; else what is wrong. */
function verify(file: HubFile, hash: Hash, bytes: number): string | null {
  if (bytes !== file.size) return `${bytes} bytes, the Hub reports ${file.size}`;
  const got = hash.digest('hex');
  const want = file.sha256 ?? file.gitOid;
  if (want && got !== want) return `${file.sha256 ? 'sha256' : 'git blob id'} ${got}, the Hub reports ${want}`;
  return null;
}

/** A transfer cut off before the end: the .part keeps what arrived. */
class Interrupted extends Error {}

/**
 * fetch for the library, watching one thing: a Range request answered with the whole file (200) would be appended
 * to the .part; such a response is refused, and the file starts over.
 */
function rangeCheckingFetch(state: { rangeIgnored: boolean }): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const range = new Headers(init?.headers).get('range');
    if (range && !/^bytes=0-/.test(range) && res.status === 200) {
      state.rangeIgnored = true;
      await res.body?.cancel();
      throw new Error('the server ignored the Range request');
    }
    return res;
  };
}

/** One attempt at one file: stream from where its .part ends to the end, then verify and rename. */
async function fetchFile(
  opts: HubDownloadOptions,
  hub: string,
  commit: string,
  file: HubFile,
  to: string,
  accessToken?: string,
): Promise<void> {
  const part = `${to}.part`;
  let offset = existsSync(part) ? statSync(part).size : 0;
  if (offset > file.size) {
    rmSync(part);
    offset = 0;
  }
  const hash = startHash(file);
  if (offset > 0) await hashExisting(hash, part);
  const state = { rangeIgnored: false };
  let bytes = offset;
  if (offset < file.size) {
    const blob = await downloadFile({
      repo: opts.repo,
      path: file.path,
      revision: commit,
      hubUrl: hub,
      accessToken,
      xet: false,
      fetch: rangeCheckingFetch(state),
    });
    if (!blob) throw new HubDownloadError(`${opts.repo}@${commit.slice(0, 12)}: ${file.path} is not there`);
    if (offset > 0) opts.log?.(`${file.path}: resuming at ${mb(offset)} of ${mb(file.size)}`);
    const out = await open(part, 'a');
    let nextNote = offset + file.size / 10;
    try {
      for await (const chunk of Readable.fromWeb(
        (offset > 0 ? blob.slice(offset) : blob).stream() as NodeReadableStream<Uint8Array>,
      )) {
        const buf = chunk as Uint8Array;
        hash.update(buf);
        bytes += buf.length;
        if (bytes > file.size) break;
        await out.write(buf);
        if (file.size > 50e6 && bytes >= nextNote) {
          opts.log?.(`${file.path}: ${mb(bytes)} of ${mb(file.size)}`);
          nextNote += file.size / 10;
        }
      }
    } catch (err) {
      if (state.rangeIgnored) {
        rmSync(part, { force: true });
        throw new Interrupted(`${file.path}: the server does not resume downloads; starting the file over`);
      }
      throw new Interrupted(
        `${file.path}: the transfer stopped after ${mb(bytes)} of ${mb(file.size)}: ${(err as Error)?.message ?? err}`,
      );
    } finally {
      await out.close();
    }
    if (bytes < file.size)
      throw new Interrupted(`${file.path}: the transfer ended after ${mb(bytes)} of ${mb(file.size)}`);
  }
  const problem = verify(file, hash, bytes);
  if (problem) {
    rmSync(part, { force: true });
    throw new HubDownloadError(
      `${opts.repo}@${commit.slice(0, 12)}: ${file.path} does not match the Hub's record (${problem}); the download was deleted`,
    );
  }
  renameSync(part, to);
}

/** A file already downloaded (an earlier, interrupted run) and still intact. */
async function alreadyThere(file: HubFile, to: string): Promise<boolean> {
  if (!existsSync(to) || statSync(to).size !== file.size) return false;
  const hash = startHash(file);
  await hashExisting(hash, to);
  return verify(file, hash, file.size) == null;
}

export async function downloadFromHub(opts: HubDownloadOptions): Promise<HubDownload> {
  if (!REPO_ID.test(opts.repo))
    throw new HubDownloadError(`'${opts.repo}' is not a Hugging Face model id (owner/name)`);
  const hub = (opts.hub ?? hubUrl()).replace(/\/+$/, '');
  const revision = opts.revision ?? 'main';
  const accessToken = opts.accessToken ?? process.env.HF_TOKEN ?? undefined;
  const log = opts.log ?? (() => {});

  let commit: string;
  try {
    const info = await modelInfo({ name: opts.repo, revision, additionalFields: ['sha'], hubUrl: hub, accessToken });
    commit = String((info as { sha?: unknown }).sha ?? '');
  } catch (err) {
    throw describeHubError(err, `${opts.repo} at revision '${revision}'`, hub);
  }
  if (!COMMIT.test(commit))
    throw new HubDownloadError(`${hub} did not name the commit of ${opts.repo} at '${revision}' (got '${commit}')`);
  log(`${opts.repo}: revision '${revision}' is commit ${commit}`);

  const files = await describeFiles(opts, hub, commit, accessToken);
  const slug = opts.repo.replace('/', '--');
  const dir = join(opts.root, `${slug}@${commit}`);
  mkdirSync(dir, { recursive: true });
  // Partial downloads of another commit of this repo cannot be resumed at this one.
  for (const other of readdirSync(opts.root)) {
    if (other.startsWith(`${slug}@`) && other !== `${slug}@${commit}`)
      rmSync(join(opts.root, other), { recursive: true, force: true });
  }

  const retries = opts.retries ?? 3;
  for (const file of files) {
    const to = join(dir, file.path);
    mkdirSync(dirname(to), { recursive: true });
    if (await alreadyThere(file, to)) {
      log(`${file.path}: already downloaded`);
      continue;
    }
    log(`${file.path}: downloading ${mb(file.size)}`);
    for (let attempt = 0; ; attempt++) {
      try {
        await fetchFile(opts, hub, commit, file, to, accessToken);
        break;
      } catch (err) {
        if (err instanceof HubDownloadError) throw err;
        // Cut-off transfers, network errors and server errors are retried; other HTTP errors are not.
        const status = (err as { statusCode?: number }).statusCode;
        if (!(err instanceof Interrupted) && status != null && status < 500)
          throw describeHubError(err, `${opts.repo}@${commit.slice(0, 12)}: ${file.path}`, hub);
        const message = err instanceof Interrupted ? err.message : describeHubError(err, file.path, hub).message;
        if (attempt >= retries) {
          throw new HubDownloadError(
            `${message}; run the same command again to continue the download (kept in ${dir})`,
          );
        }
        log(`${message}; retrying`);
        await new Promise((r) => setTimeout(r, (opts.retryDelayMs ?? 2000) * 2 ** attempt));
      }
    }
  }
  return { repo: opts.repo, revision, commit, dir, files };
}
