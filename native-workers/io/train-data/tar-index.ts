// Index of a tar file's regular members (name -> offset, size) by reading its 512-byte headers, so training can read
// any image of a WebDataset shard without extracting it. Handles ustar prefixes, pax `path` records and GNU long
// names; refuses names with '..' or absolute paths.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface TarMember {
  name: string;
  offset: number;
  size: number;
}

function field(buf: Buffer, start: number, len: number): string {
  const raw = buf.subarray(start, start + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul === -1 ? len : nul).toString('utf8');
}

function octal(buf: Buffer, start: number, len: number): number {
  const s = field(buf, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function paxPath(body: Buffer): string | undefined {
  let pos = 0;
  const text = body.toString('utf8');
  while (pos < text.length) {
    const sp = text.indexOf(' ', pos);
    if (sp === -1) break;
    const len = Number(text.slice(pos, sp));
    if (!len) break;
    const rec = text.slice(sp + 1, pos + len - 1);
    const eq = rec.indexOf('=');
    if (rec.slice(0, eq) === 'path') return rec.slice(eq + 1);
    pos += len;
  }
  return undefined;
}

export function indexTar(path: string): TarMember[] {
  const fd = openSync(path, 'r');
  try {
    const total = fstatSync(fd).size;
    const header = Buffer.alloc(512);
    const out: TarMember[] = [];
    let pos = 0;
    let longName: string | undefined;
    while (pos + 512 <= total) {
      readSync(fd, header, 0, 512, pos);
      if (header.every((b) => b === 0)) break;
      const size = octal(header, 124, 12);
      const type = String.fromCharCode(header[156] || 48);
      const dataAt = pos + 512;
      const readBody = () => {
        const body = Buffer.alloc(size);
        readSync(fd, body, 0, size, dataAt);
        return body;
      };
      if (type === 'x') longName = paxPath(readBody()) ?? longName;
      else if (type === 'L') longName = readBody().toString('utf8').replace(/\0+$/, '');
      else if (type === '0' || type === '7') {
        const prefix = field(header, 345, 155);
        const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
        longName = undefined;
        if (!name.startsWith('/') && !name.split('/').includes('..')) out.push({ name, offset: dataAt, size });
      } else if (type !== 'g') longName = undefined;
      pos = dataAt + Math.ceil(size / 512) * 512;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

export function readMember(path: string, offset: number, size: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(size);
    readSync(fd, buf, 0, size, offset);
    return buf;
  } finally {
    closeSync(fd);
  }
}
