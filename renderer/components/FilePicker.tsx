// Picking paths on the machine running the backend from the page (browser mode has no native dialog there): a folder
// listing through `files.list`, confined by the backend to a few roots; open folders, tick files or folders, or take
// the open folder itself.
import { useCallback, useEffect, useId, useState } from 'react';
import { api, errorText } from '../api/client.ts';
import type { DirEntry, DirListing } from '../api/types.ts';
import { Modal } from './Modal.tsx';
import { ErrorBox, fmtInt } from './common.tsx';

function fmtSize(n: number | null): string {
  if (n == null) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export interface FilePickerProps {
  title: string;
  /** 'paths': tick any files and folders; 'folder': one folder (the open one or a ticked one). */
  mode: 'paths' | 'folder';
  start?: string;
  onPick(paths: string[]): void;
  onClose(): void;
}

export function FilePicker({ title, mode, start, onPick, onClose }: FilePickerProps) {
  const [listing, setListing] = useState<DirListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ticked, setTicked] = useState<string[]>([]);
  const [hidden, setHidden] = useState(false);
  const ids = useId();
  const open = useCallback(
    async (path?: string) => {
      try {
        setListing(await api().call('files.list', { ...(path ? { path } : {}), hidden }));
        setError(null);
      } catch (err) {
        setError(errorText(err));
      }
    },
    [hidden],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: relists the shown folder when `open` changes (the hidden toggle), not on each navigation
  useEffect(() => {
    void open(listing?.path ?? start);
  }, [open]);

  const tick = (e: DirEntry) => {
    if (mode === 'folder') setTicked((t) => (t[0] === e.path ? [] : [e.path]));
    else setTicked((t) => (t.includes(e.path) ? t.filter((p) => p !== e.path) : [...t, e.path]));
  };
  const picked = mode === 'folder' ? (ticked.length ? ticked : listing ? [listing.path] : []) : ticked;
  const crumbs = listing ? crumbsOf(listing.path, listing.roots) : [];

  return (
    <Modal
      title={title}
      onClose={onClose}
      wide
      footer={
        <>
          <span className="muted small-text picker-summary">
            {mode === 'folder'
              ? `folder: ${picked[0] ?? '–'}`
              : ticked.length
                ? `${ticked.length} selected`
                : 'tick files or folders'}
          </span>
          <span className="spacer" />
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button className="btn primary" disabled={!picked.length} onClick={() => onPick(picked)}>
            {mode === 'folder' ? 'Use this folder' : `Add ${ticked.length || ''}`}
          </button>
        </>
      }
    >
      <div className="picker-bar">
        <select
          value={listing?.roots.find((r) => listing.path.startsWith(r)) ?? ''}
          onChange={(e) => void open(e.target.value)}
          aria-label="root folder"
        >
          {listing?.roots.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button
          className="btn small"
          disabled={!listing?.parent}
          onClick={() => listing?.parent && void open(listing.parent)}
        >
          ↑ Up
        </button>
        <span className="crumbs mono">
          {crumbs.map((c, i) => (
            <span key={c.path}>
              {i > 0 && ' / '}
              <button className="link-button" onClick={() => void open(c.path)}>
                {c.name}
              </button>
            </span>
          ))}
        </span>
        <span className="spacer" />
        <label className="check small-text">
          <input type="checkbox" checked={hidden} onChange={(e) => setHidden(e.target.checked)} /> hidden
        </label>
      </div>
      <ErrorBox error={error} what="Cannot list this folder" />
      {/* A list of rows, each with its own controls: the checkbox ticks, a folder's name opens it, a file's name is the
          checkbox's label (a click on it ticks, as on the box). */}
      <ul className="picker-list" aria-label="folder contents">
        {listing?.entries.length === 0 && <li className="muted small-text">This folder is empty.</li>}
        {listing?.entries.map((e, i) => (
          <li key={e.path} className={`picker-row ${ticked.includes(e.path) ? 'ticked' : ''}`} data-path={e.path}>
            <input
              id={`${ids}-${i}`}
              type="checkbox"
              checked={ticked.includes(e.path)}
              onChange={() => tick(e)}
              aria-label={`select ${e.name}`}
              disabled={mode === 'folder' && e.kind !== 'dir'}
            />
            {e.kind === 'dir' ? (
              <button
                className="picker-name dir link-button"
                title={`open ${e.name}`}
                onClick={() => void open(e.path)}
              >
                {e.name}/
              </button>
            ) : (
              <label className="picker-name" htmlFor={`${ids}-${i}`}>
                {e.name}
              </label>
            )}
            <span className="muted small-text">{e.ingestAs ?? ''}</span>
            <span className="muted small-text num">{fmtSize(e.size)}</span>
          </li>
        ))}
        {listing?.truncated && (
          <li className="muted small-text">Only the first {fmtInt(listing.entries.length)} entries are shown.</li>
        )}
      </ul>
    </Modal>
  );
}

/** The path's folders from the root that contains it down to itself. */
function crumbsOf(path: string, roots: string[]): { name: string; path: string }[] {
  const root =
    roots
      .filter((r) => path === r || path.startsWith(r.endsWith('/') ? r : r + '/'))
      .sort((a, b) => b.length - a.length)[0] ?? path;
  const out = [{ name: root, path: root }];
  let at = root;
  for (const part of path.slice(root.length).split('/').filter(Boolean)) {
    at = `${at.replace(/\/$/, '')}/${part}`;
    out.push({ name: part, path: at });
  }
  return out;
}
