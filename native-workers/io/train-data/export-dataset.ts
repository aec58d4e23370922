// Lists a dataset export for training: its classes and the train/test images with their class index. ImageFolder
// (`<split>/<wnid>/*.jpg|jpeg|png|webp`) or WebDataset (`<split>-NNNNNN.tar`, `<key>.jpg` + `<key>.cls`).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { indexTar, readMember } from './tar-index.ts';

export type ImageRef =
  | { kind: 'file'; path: string }
  | { kind: 'tar'; path: string; offset: number; size: number; key: string };

export interface LabelledImage {
  ref: ImageRef;
  label: number;
}

export interface DatasetExport {
  root: string;
  format: 'imagefolder' | 'webdataset';
  classes: string[];
  train: LabelledImage[];
  test: LabelledImage[];
}

const IMAGE_EXT = /\.(jpe?g|png|webp)$/i;

export function describeRef(ref: ImageRef): string {
  return ref.kind === 'file' ? ref.path : `${ref.path}#${ref.key}`;
}

export function readImageBytes(ref: ImageRef): Buffer {
  return ref.kind === 'file' ? readFileSync(ref.path) : readMember(ref.path, ref.offset, ref.size);
}

/** The newest complete export under a workspace's exports/ folder (complete = has dataset.json). */
export function latestExport(exportsDir: string): string | undefined {
  if (!existsSync(exportsDir)) return undefined;
  let best: { dir: string; mtime: number } | undefined;
  for (const name of readdirSync(exportsDir)) {
    const marker = join(exportsDir, name, 'dataset.json');
    if (!existsSync(marker)) continue;
    const mtime = statSync(marker).mtimeMs;
    if (!best || mtime > best.mtime) best = { dir: join(exportsDir, name), mtime };
  }
  return best?.dir;
}

function classesFromJson(root: string): string[] | undefined {
  const file = join(root, 'dataset.json');
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const classes = (parsed as { classes?: unknown }).classes;
  if (!Array.isArray(classes) || !classes.length) throw new Error(`${file}: no 'classes' list`);
  return classes.map((c, i) => {
    const wnid = typeof c === 'string' ? c : (c as { wnid?: unknown })?.wnid;
    if (typeof wnid !== 'string') throw new Error(`${file}: classes[${i}] has no wnid`);
    return wnid;
  });
}

export function readDatasetExport(dir: string): DatasetExport {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`${root} is not a folder`);
  const entries = readdirSync(root);
  const shards = (split: string) => entries.filter((n) => new RegExp(`^${split}-\\d+\\.tar$`).test(n)).sort();
  const jsonClasses = classesFromJson(root);
  if (shards('train').length) {
    const classes = jsonClasses;
    const read = (split: string) => listShards(root, shards(split), classes);
    const train = read('train');
    const test = read('test');
    return { root, format: 'webdataset', classes: classes ?? train.inferred, train: train.items, test: test.items };
  }
  if (!existsSync(join(root, 'train'))) {
    throw new Error(`${root} is not a dataset export: no train/ folder and no train-NNNNNN.tar shards`);
  }
  const folderClasses = readdirSync(join(root, 'train'))
    .filter((n) => statSync(join(root, 'train', n)).isDirectory())
    .sort();
  const classes = jsonClasses ?? folderClasses;
  const index = new Map(classes.map((w, i) => [w, i]));
  const list = (split: string): LabelledImage[] => {
    const base = join(root, split);
    if (!existsSync(base)) return [];
    const out: LabelledImage[] = [];
    for (const wnid of readdirSync(base).sort()) {
      const dirPath = join(base, wnid);
      if (!statSync(dirPath).isDirectory()) continue;
      const label = index.get(wnid);
      if (label == null)
        throw new Error(`${dirPath}: class '${wnid}' is not in ${jsonClasses ? 'dataset.json' : 'train/'}`);
      for (const f of readdirSync(dirPath).sort())
        if (IMAGE_EXT.test(f)) out.push({ ref: { kind: 'file', path: join(dirPath, f) }, label });
    }
    return out;
  };
  return { root, format: 'imagefolder', classes, train: list('train'), test: list('test') };
}

function listShards(
  root: string,
  names: string[],
  classes: string[] | undefined,
): { items: LabelledImage[]; inferred: string[] } {
  const items: LabelledImage[] = [];
  let maxLabel = -1;
  for (const name of names) {
    const path = join(root, name);
    const members = indexTar(path);
    const byKey = new Map<string, { img?: (typeof members)[number]; cls?: (typeof members)[number] }>();
    for (const m of members) {
      const dot = m.name.lastIndexOf('.');
      const key = m.name.slice(0, dot);
      const ext = m.name.slice(dot + 1).toLowerCase();
      const entry = byKey.get(key) ?? {};
      if (['jpg', 'jpeg', 'png', 'webp'].includes(ext)) entry.img = m;
      else if (ext === 'cls') entry.cls = m;
      byKey.set(key, entry);
    }
    for (const [key, e] of byKey) {
      if (!e.img) continue;
      if (!e.cls) throw new Error(`${path}: sample '${key}' has no .cls member`);
      const label = Number(readMember(path, e.cls.offset, e.cls.size).toString('utf8').trim());
      if (!Number.isInteger(label) || label < 0 || (classes && label >= classes.length)) {
        throw new Error(`${path}: sample '${key}': class index '${label}' out of range`);
      }
      maxLabel = Math.max(maxLabel, label);
      items.push({ ref: { kind: 'tar', path, offset: e.img.offset, size: e.img.size, key }, label });
    }
  }
  return { items, inferred: Array.from({ length: maxLabel + 1 }, (_, i) => `class_${i}`) };
}
