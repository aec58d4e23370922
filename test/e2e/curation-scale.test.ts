// The curation grid with 100,000 images in one class: the DOM holds only the visible rows, scrolling to the end
// loads the last page, and the keyboard still works there. The workspace is generated through store functions
// (64 real JPEG thumbnails made with sharp, 100k samples pointing at them). Scrolling frame rate is printed as a
// figure, not asserted (speed targets are benchmarks).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { openWorkspace } from '../../native-workers/store/workspace.ts';
import { finishSource, openSource } from '../../native-workers/store/sources.ts';
import { insertSamples, type NewSample } from '../../native-workers/store/samples.ts';
import { insertImage } from '../../native-workers/store/images.ts';
import { insertMatches, upsertCatalog } from '../../native-workers/store/synsets.ts';
import { setTextFilter, writeTextSimilarities } from '../../native-workers/store/text-similarities.ts';
import { tempDir } from '../helpers/workspace.ts';
import { launchChromium, screenshot, serve, type Served } from '../helpers/browser.ts';

const N = 100_000;
const WNID = 'n02121808'; // domestic cat (an ImageNet-1k hyponym's parent; any wnid works for the grid)
let dir: ReturnType<typeof tempDir>;
let served: Served;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;

/** A spread of similarities in [0.2, 0.9): 7919 is prime to 100,000, so i -> i*7919 mod N is a permutation. */
const similarityOf = (i: number) => 0.2 + 0.7 * (((i * 7919) % N) / N);

async function buildWorkspace(root: string): Promise<void> {
  const ws = openWorkspace(root, { create: true });
  try {
    const shas: string[] = [];
    for (let i = 0; i < 64; i++) {
      const hue = (i * 47) % 360;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="192"><rect width="256" height="192" fill="hsl(${hue},60%,55%)"/><text x="20" y="110" font-size="56" fill="white" font-family="sans-serif">#${i}</text></svg>`;
      const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
      const sha = createHash('sha256').update(jpeg).digest('hex');
      const rel = `media/thumbs/${sha.slice(0, 2)}/${sha}.jpg`;
      mkdirSync(join(root, 'media', 'thumbs', sha.slice(0, 2)), { recursive: true });
      writeFileSync(join(root, rel), jpeg);
      insertImage(ws.db, { sha256: sha, width: 256, height: 192, format: 'jpeg', bytes: jpeg.length, storedPath: rel, thumbPath: rel, originalPath: null });
      shas.push(sha);
    }
    const source = openSource(ws.db, { path: 'generated-100k.jsonl', kind: 'table', contentHash: `generated-${N}`, rows: N });
    const samples: NewSample[] = Array.from({ length: N }, (_, i) => ({
      sourceId: source.id,
      row: i,
      url: `https://example.org/cat/${i}.jpg`,
      caption: `a cat photo number ${i} with a ${['red', 'green', 'blue', 'grey'][i % 4]} background`,
      width: 256,
      height: 192,
      nsfwMeta: null,
      laionSimilarity: null,
      punsafe: null,
      extra: null,
      imageSha256: shas[i % shas.length],
    }));
    ws.db.transaction(() => insertSamples(ws.db, samples))();
    finishSource(ws.db, source.id, N);
    upsertCatalog(ws.db, [
      { wnid: WNID, name: 'domestic cat', lemmas: ['domestic_cat', 'house_cat'], definition: 'any domesticated member of the genus Felis', lexname: 'noun.animal', depth: 13, inImagenet1k: false, eligible: true, reason: null },
    ]);
    // Sample ids are 1..N in a fresh workspace.
    insertMatches(ws.db, samples.map((_, i) => ({ sampleId: i + 1, wnids: WNID, lemmas: 'cat', status: 'matched' as const })));
    writeTextSimilarities(ws.db, 'glove', samples.map((_, i) => ({ sampleId: i + 1, wnid: WNID, similarity: similarityOf(i) })));
    setTextFilter(ws.db, 'glove', 0.6);
  } finally {
    ws.close();
  }
}

before(async () => {
  dir = tempDir('imagenot-e2e-scale-');
  const root = join(dir.path, 'ws');
  await buildWorkspace(root);
  served = await serve(root);
  ({ browser, cleanup: closeBrowser } = await launchChromium());
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
});

after(async () => {
  await closeBrowser?.();
  await served?.stop();
  dir?.cleanup();
});

test('100k images in one class: windowed DOM, the last page reachable, keys work at the end', async () => {
  await page.goto(`${served.url}#/Curation`);
  await page.waitForSelector(`.class-item[data-wnid="${WNID}"]`);
  const kept = Number(await page.getAttribute(`.class-item[data-wnid="${WNID}"]`, 'data-kept'));
  const expected = Array.from({ length: N }, (_, i) => similarityOf(i)).filter((v) => v > 0.6).length;
  assert.equal(kept, expected, 'kept count at the stored threshold 0.6');
  await page.click(`.class-item[data-wnid="${WNID}"]`);
  await page.waitForSelector('.grid-scroller[data-total="100000"] .cell[data-index="0"][data-sample-id]');
  await page.waitForSelector('.cell img');
  const cellsAtTop = await page.$$eval('.cell', (els) => els.length);
  assert.ok(cellsAtTop < 120, `only visible rows are in the DOM (${cellsAtTop} cells)`);

  // Scroll through the whole grid for two seconds and count animation frames.
  // (Passed as source text: tsx would wrap named inner functions in a helper the page does not have.)
  const fps = (await page.evaluate(`(async () => {
    const el = document.querySelector('.grid-scroller');
    const end = el.scrollHeight - el.clientHeight;
    let frames = 0;
    const started = performance.now();
    await new Promise((resolve) => {
      const step = () => {
        frames++;
        const t = (performance.now() - started) / 2000;
        el.scrollTop = Math.min(1, t) * end;
        if (t < 1) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    return frames / ((performance.now() - started) / 1000);
  })()`)) as number;
  console.log(`curation grid: scrolled 100,000 items top to bottom in 2 s at ${fps.toFixed(1)} frames/s (headless Chromium, shared 2-core CPU)`);

  await page.waitForSelector('.cell[data-index="99999"][data-sample-id]', { timeout: 30000 });
  const cellsAtEnd = await page.$$eval('.cell', (els) => els.length);
  assert.ok(cellsAtEnd < 120, `still windowed at the end (${cellsAtEnd} cells)`);
  await page.click('.cell[data-index="99999"]');
  await page.keyboard.press('r');
  await page.waitForSelector('.cell[data-index="99999"][data-decision="reject"]');
  await page.keyboard.press('ArrowUp');
  const cursor = await page.getAttribute('.cell.selected', 'data-index');
  assert.ok(Number(cursor) < 99999 && Number(cursor) >= 99990, `ArrowUp moves one row up (${cursor})`);
  await screenshot(page, 'e2e-curation-100k');
  const last = await fetch(`${served.origin}/api/curation.items`, {
    method: 'POST',
    headers: { authorization: `Bearer ${served.token}` },
    body: JSON.stringify({ wnid: WNID, sort: 'text', order: 'desc', offset: 99999, limit: 1 }),
  }).then((r) => r.json() as Promise<{ items: { decision: string | null }[] }>);
  assert.equal(last.items[0].decision, 'reject');
});
