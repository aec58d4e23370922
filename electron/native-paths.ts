// Native binaries in a packaged app are unpacked next to the asar archive (electron-builder.yml `asarUnpack`):
// dlopen needs a real file, so a path inside `app.asar` is mapped to the same path inside `app.asar.unpacked`.
import { existsSync } from 'node:fs';
import { sep } from 'node:path';

export function unpackedPath(file: string, exists: (path: string) => boolean = existsSync): string {
  const inside = `${sep}app.asar${sep}`;
  if (!file.includes(inside)) return file;
  const unpacked = file.replace(inside, `${sep}app.asar.unpacked${sep}`);
  return exists(unpacked) ? unpacked : file;
}
