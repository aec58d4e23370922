// Which files a browser (or the Electron renderer) may load: only regular files under the workspace's media/ folder
// (images and thumbnails), named by their workspace-relative path. Used by browser mode and the Electron protocol.
import { realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { isInside } from '../store/workspace.ts';

export class MediaRefused extends Error {
  override name = 'MediaRefused';
  constructor(
    message: string,
    /** 404 for a file that is simply not there, 403 for a path that is not allowed. */
    readonly status: 403 | 404,
  ) {
    super(message);
  }
}

const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
};

export function mediaType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The real absolute path of a media file named by its workspace-relative path (already URL-decoded), e.g.
 * `media/thumbs/ab/abcd.jpg`. Throws MediaRefused for anything that is not a regular file inside media/.
 */
export function resolveMediaFile(workspaceRoot: string, relPath: string): string {
  if (!relPath || relPath.includes('\0')) throw new MediaRefused('empty or malformed media path', 403);
  const normalised = relPath.replace(/\\/g, '/');
  if (isAbsolute(relPath) || normalised.startsWith('/') || /^[a-zA-Z]:/.test(normalised)) {
    throw new MediaRefused(`media path ${relPath} is absolute; give it relative to the workspace`, 403);
  }
  if (normalised.split('/').some((seg) => seg === '..'))
    throw new MediaRefused(`media path ${relPath} leaves the workspace`, 403);
  const mediaDir = resolve(workspaceRoot, 'media');
  const abs = resolve(workspaceRoot, normalised);
  if (!isInside(mediaDir, abs) || abs === mediaDir)
    throw new MediaRefused(`media path ${relPath} is not inside media/`, 403);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw new MediaRefused(`no media file ${relPath}`, 404);
  }
  // A symlink inside media/ that points elsewhere is refused: only what really lives in media/ is served.
  if (!isInside(realpathSync(mediaDir), real))
    throw new MediaRefused(`media path ${relPath} leads outside media/`, 403);
  if (!statSync(real).isFile()) throw new MediaRefused(`media path ${relPath} is not a file`, 403);
  return real;
}
