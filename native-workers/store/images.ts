// Content-addressed images under media/ (paths relative to the workspace).
import type { Db } from './workspace.ts';

export interface ImageRow {
  sha256: string;
  width: number;
  height: number;
  format: string | null;
  bytes: number | null;
  storedPath: string;
  thumbPath: string;
  originalPath: string | null;
}

export function getImage(db: Db, sha256: string): ImageRow | undefined {
  return db
    .prepare(
      `SELECT sha256, width, height, format, bytes, stored_path storedPath, thumb_path thumbPath, original_path originalPath
       FROM images WHERE sha256 = ?`,
    )
    .get(sha256) as ImageRow | undefined;
}

/** Insert an image row; an image already known (same bytes) is left as it is. */
export function insertImage(db: Db, im: ImageRow): void {
  db.prepare(
    `INSERT OR IGNORE INTO images (sha256, width, height, format, bytes, stored_path, thumb_path, original_path)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(im.sha256, im.width, im.height, im.format, im.bytes, im.storedPath, im.thumbPath, im.originalPath);
}
