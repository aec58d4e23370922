// Workspace settings (key/value): the current text encoder and threshold, rule sets, and so on.
import type { Db } from './workspace.ts';

export function getMeta(db: Db, key: string): string | undefined {
  return (db.prepare(`SELECT value FROM meta WHERE key = ?`).get(key) as { value: string } | undefined)?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(
    key,
    value,
  );
}

export function getMetaJson<T>(db: Db, key: string): T | undefined {
  const v = getMeta(db, key);
  return v == null ? undefined : (JSON.parse(v) as T);
}

export function setMetaJson(db: Db, key: string, value: unknown): void {
  setMeta(db, key, JSON.stringify(value));
}

/** The text encoder and threshold the workspace currently filters with (set by the filter job or the UI). */
export function currentTextFilter(db: Db): { encoder: string; threshold: number } | undefined {
  const encoder = getMeta(db, 'text_encoder');
  const threshold = getMeta(db, 'threshold');
  if (encoder == null || threshold == null) return undefined;
  return { encoder, threshold: Number(threshold) };
}
