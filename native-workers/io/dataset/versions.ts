// Versions recorded in dataset.json: the app, the schema, and the libraries whose behaviour shapes exported bytes.
import { createRequire } from 'node:module';
import sharp from 'sharp';

function packageVersion(require: NodeRequire, spec: string): string | null {
  try {
    return (require(spec) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

export function toolVersions(): Record<string, string | null> {
  const require = createRequire(import.meta.url);
  return {
    imagenotStudio: packageVersion(require, '../../../package.json'),
    node: process.versions.node,
    sharp: sharp.versions.sharp ?? null,
    libvips: sharp.versions.vips,
  };
}
