// Text recognition with tesseract.js and the bundled English data (npm @tesseract.js-data/eng). langPath points into
// that package and caching is off, so nothing is fetched or written; a missing package is a clear error.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface OcrReader {
  recognize(image: string | Buffer): Promise<{ text: string; confidence: number }>;
  close(): Promise<void>;
}

function englishData(): { langPath: string; gzip: boolean } {
  const require = createRequire(import.meta.url);
  let pkg: { langPath: string; gzip: boolean };
  try {
    pkg = require('@tesseract.js-data/eng');
  } catch {
    throw new Error('OCR needs the npm package @tesseract.js-data/eng (English traineddata); it is not installed');
  }
  const file = join(pkg.langPath, pkg.gzip ? 'eng.traineddata.gz' : 'eng.traineddata');
  if (!existsSync(file)) throw new Error(`OCR language data ${file} is missing`);
  return pkg;
}

export async function createOcrReader(): Promise<OcrReader> {
  const { langPath, gzip } = englishData();
  const { createWorker, OEM } = await import('tesseract.js');
  const worker = await createWorker('eng', OEM.LSTM_ONLY, {
    langPath,
    gzip,
    cacheMethod: 'none',
    logger: () => {},
    errorHandler: () => {},
  });
  return {
    async recognize(image) {
      const r = await worker.recognize(image);
      return { text: r.data.text, confidence: r.data.confidence };
    },
    async close() {
      await worker.terminate();
    },
  };
}
