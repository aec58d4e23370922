// The curation grid with 100,000 images in one class: the DOM holds only the visible rows, scrolling to the end
// loads the last page, and the keyboard still works there. The workspace is generated through store functions
// (test/helpers/curation-workspace.ts: 64 real JPEG thumbnails made with sharp, 100k samples pointing at them).
// Scrolling frame rate is printed as a figure, not asserted (speed targets are benchmarks).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { tempDir } from '../helpers/workspace.ts';
import { cursorOnCell, launchChromium, screenshot, serve, type Served } from '../helpers/browser.ts';
import {
  buildCurationWorkspace,
  generatedSimilarity,
  GENERATED_THRESHOLD,
  GENERATED_WNID as WNID,
} from '../helpers/curation-workspace.ts';

const N = 100_000;
let dir: ReturnType<typeof tempDir>;
let served: Served;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;

before(async () => {
  dir = tempDir('imagenot-e2e-scale-');
  const root = join(dir.path, 'ws');
  await buildCurationWorkspace(root, N);
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
  const expected = Array.from({ length: N }, (_, i) => generatedSimilarity(i, N)).filter(
    (v) => v > GENERATED_THRESHOLD,
  ).length;
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
  console.log(
    `curation grid: scrolled 100,000 items top to bottom in 2 s at ${fps.toFixed(1)} frames/s (headless Chromium, shared 2-core CPU)`,
  );

  await page.waitForSelector('.cell[data-index="99999"][data-sample-id]', { timeout: 30000 });
  const cellsAtEnd = await page.$$eval('.cell', (els) => els.length);
  assert.ok(cellsAtEnd < 120, `still windowed at the end (${cellsAtEnd} cells)`);
  await cursorOnCell(page, 99999);
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
