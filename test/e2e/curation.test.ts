// The Curation and Dataset screens end to end in Chromium, on COCO photos with their real captions ingested, matched
// and filtered through the real CLI: every caption in the grid is on screen and not covered (elementFromPoint) with
// its matched lemma highlighted, at 1440x900 and 1024x700; the class header shows the WordNet definition; the
// threshold is explored without saving and applied on request, and every screen then shows one kept figure; the
// class list keeps its order while the slider moves; the histogram's range stays put; each filter's count is what
// the grid then shows; a bulk decision asks first and undoes as one step; the expanded view shows the candidate in
// full; the Dataset form starts from the current state, previews, refuses an empty selection, asks before replacing
// one, marks a selection stale and shows the export path; Sources browses the server's folders. The keyboard does
// what the mouse does: the arrows move along the class list and Enter or Space opens a class, the focus follows the
// grid's cursor, Enter opens the cell and Space marks it; in the folder picker, folder names and the path's crumbs
// open with Enter. Screenshots go to test/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { cliOk, sharedDir, tempDir } from '../helpers/workspace.ts';
import { callApi, cursorOnCell, launchChromium, screenshot, serve, type Served } from '../helpers/browser.ts';

let dir: ReturnType<typeof tempDir>;
let wsDir: string;
let served: Served;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;
const pageErrors: string[] = [];

const cli = (args: string[]) => cliOk(args);
const api = <T>(channel: string, payload: unknown = {}) => callApi<T>(served, channel, payload);

interface ClassRow {
  wnid: string;
  name: string;
  candidates: number;
  kept: number;
}

/** The class with the most candidates (the list's first), or with the most kept at the workspace threshold. */
async function biggestClass(by: 'candidates' | 'kept' = 'candidates'): Promise<ClassRow> {
  const settings = await api<{ threshold: number }>('curation.settings');
  const { classes } = await api<{ classes: ClassRow[] }>('curation.classes', { threshold: settings.threshold });
  return by === 'kept' ? [...classes].sort((a, b) => b.kept - a.kept)[0] : classes[0];
}

async function openCuration(width: number, height: number): Promise<void> {
  await page.setViewportSize({ width, height });
  // A fresh page each time (a goto that only changes the hash would keep the screen's state).
  await page.goto('about:blank');
  await page.goto(`${served.url}#/Curation`);
  await page.waitForSelector('.class-item[data-wnid]');
}

async function selectClass(wnid: string): Promise<void> {
  await page.click(`.class-item[data-wnid="${wnid}"]`);
  await page.waitForSelector('.cell[data-index="0"][data-sample-id]');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.cell img')].every((i) => (i as HTMLImageElement).complete),
  );
}

/** The kept count shown by the threshold bar once its counts are for the explored threshold. */
async function shownKept(): Promise<number> {
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="kept-total"]');
    const value = (document.querySelector('input[aria-label="threshold slider"]') as HTMLInputElement | null)?.value;
    return el && value != null && Number(el.getAttribute('data-counted')) === Number(value);
  });
  const text = (await page.textContent('[data-testid="kept-total"]')) ?? '';
  return Number(text.split(' of ')[0].replace(/,/g, ''));
}

/** Every caption cell inside the grid's visible area, checked at points along its lines with elementFromPoint. */
const CAPTIONS_UNCOVERED = `(() => {
  const scroller = document.querySelector('.grid-scroller').getBoundingClientRect();
  const out = { checked: 0, covered: [], short: [], highlighted: 0 };
  for (const cap of document.querySelectorAll('.cell .caption')) {
    const r = cap.getBoundingClientRect();
    if (r.top < scroller.top || r.bottom > scroller.bottom || r.bottom > innerHeight) continue;
    out.checked++;
    if (r.height < 30) out.short.push(r.height);
    if (cap.querySelector('mark')) out.highlighted++;
    const lines = Math.max(1, Math.round(r.height / 16));
    for (let l = 0; l < lines; l++) {
      for (const fx of [0.1, 0.5, 0.9]) {
        const x = r.left + r.width * fx;
        const y = r.top + 8 + l * 16;
        const hit = document.elementFromPoint(x, y);
        if (!hit || !cap.contains(hit)) out.covered.push({ text: cap.textContent.slice(0, 40), x, y, hit: hit ? hit.tagName + '.' + hit.className : null });
      }
    }
  }
  return out;
})()`;

before(async () => {
  dir = tempDir('imagenot-e2e-curation-');
  wsDir = join(dir.path, 'ws');
  cli(['init', wsDir]);
  cli(['ingest', wsDir, join(sharedDir, 'data', 'coco-mini')]);
  cli(['match', wsDir]);
  cli(['filter', wsDir]);
  served = await serve(wsDir);
  ({ browser, cleanup: closeBrowser } = await launchChromium());
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text());
  });
});

after(async () => {
  await closeBrowser?.();
  await served?.stop();
  dir?.cleanup();
});

for (const [width, height] of [
  [1440, 900],
  [1024, 700],
]) {
  test(`${width}x${height}: every visible caption is on screen, uncovered, at least two lines, its lemma highlighted`, async () => {
    await openCuration(width, height);
    const big = await biggestClass();
    await selectClass(big.wnid);
    await page.locator('.grid-scroller').scrollIntoViewIfNeeded();
    const r = (await page.evaluate(CAPTIONS_UNCOVERED)) as {
      checked: number;
      covered: unknown[];
      short: number[];
      highlighted: number;
    };
    assert.ok(r.checked >= 2, `captions in view: ${r.checked}`);
    assert.deepEqual(r.covered, [], 'no point of a caption line is covered by another element (e.g. its thumbnail)');
    assert.deepEqual(r.short, [], 'each caption box holds at least two lines');
    assert.ok(r.highlighted >= 1, 'the matched lemma is highlighted');
    await screenshot(page, `e2e-curation-captions-${width}`);
  });
}

test('the class header shows the WordNet definition and the lemmas captions matched on', async () => {
  await openCuration(1440, 900);
  const big = await biggestClass();
  await selectClass(big.wnid);
  const synset = await api<{ definition: string }>('synsets.show', { wnid: big.wnid });
  await page.waitForFunction(
    (d) => document.querySelector('[data-testid="class-definition"]')?.textContent === d,
    synset.definition,
  );
  const marks = await page.$$eval('.cell .caption mark', (els) => els.map((e) => e.textContent!.toLowerCase()));
  const lemmas = (await api<{ lemmas: string[] }>('curation.class', { wnid: big.wnid, threshold: 0.5 })).lemmas.map(
    (l) => l.toLowerCase(),
  );
  assert.ok(
    marks.length && marks.every((m) => lemmas.includes(m)),
    `highlights ${marks.slice(0, 5)} are lemmas of ${lemmas}`,
  );
});

test('the slider explores without saving; the class order and the histogram range stay put; Apply sets one kept figure everywhere', async () => {
  await openCuration(1440, 900);
  const big = await biggestClass();
  await selectClass(big.wnid);
  const settings = await api<{ threshold: number; kept: number }>('curation.settings');
  const order = () => page.$$eval('.class-item', (els) => els.map((e) => (e as HTMLElement).dataset.wnid));
  const xTicks = () =>
    page.$$eval('.histogram text.tick', (els) =>
      els.filter((e) => e.getAttribute('text-anchor') === 'middle').map((e) => e.textContent),
    );
  const before = { order: await order(), ticks: await xTicks(), kept: await shownKept() };
  assert.equal(before.kept, settings.kept, 'at the workspace threshold the bar shows the workspace kept figure');
  const explored = Number((settings.threshold - 0.1).toFixed(3));
  await page.fill('input[aria-label="threshold value"]', String(explored));
  const kept = await shownKept();
  assert.ok(kept > before.kept, `more kept at a lower threshold: ${before.kept} -> ${kept}`);
  assert.deepEqual(await order(), before.order, 'the class list does not re-sort');
  await page.waitForFunction((t) => document.querySelector('.threshold-label')?.textContent === t.toFixed(3), explored);
  assert.deepEqual(await xTicks(), before.ticks, 'the histogram keeps its range');
  assert.match((await page.textContent('[data-testid="workspace-threshold"]'))!, /exploring/);
  await page.waitForTimeout(700);
  assert.equal(
    (await api<{ threshold: number }>('curation.settings')).threshold,
    settings.threshold,
    'exploring saved nothing',
  );
  await screenshot(page, 'e2e-curation-exploring');

  await page.click('button:has-text("Apply to workspace")');
  await page.waitForFunction(() =>
    /= workspace threshold/.test(document.querySelector('[data-testid="workspace-threshold"]')?.textContent ?? ''),
  );
  const applied = await api<{ threshold: number; kept: number }>('curation.settings');
  assert.deepEqual([applied.threshold, applied.kept], [explored, kept]);
  await page.waitForFunction(
    (k) => document.querySelector('[data-nav="Curation"] .nav-count')?.textContent === k.toLocaleString('en-US'),
    kept,
  );
  const status = await api<{ kept: number }>('status.get');
  assert.equal(status.kept, kept, 'the sidebar, the status and the curation bar give one kept figure');
  await page.click('[data-nav="Dataset"]');
  await page.waitForFunction(
    (k) =>
      [...document.querySelectorAll('.stat')].some(
        (s) =>
          /kept at/.test(s.textContent ?? '') &&
          s.querySelector('.stat-value')?.textContent === k.toLocaleString('en-US'),
      ),
    kept,
  );
});

/**
 * Move the slider to a threshold as a drag does (an input event) and wait until the bar shows counts for it; then the
 * kept count of every class in the list, read in the same task.
 */
const MOVE_AND_READ = `async (value) => {
  const input = document.querySelector('input[aria-label="threshold slider"]');
  const out = document.querySelector('[data-testid="kept-total"]');
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, String(value));
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((resolve) => {
    const done = () => out.getAttribute('data-counted') === String(value);
    if (done()) return resolve();
    const obs = new MutationObserver(() => { if (done()) { obs.disconnect(); resolve(); } });
    obs.observe(out, { attributes: true });
  });
  return Object.fromEntries([...document.querySelectorAll('.class-item[data-wnid]')].map((e) => [e.dataset.wnid, Number(e.dataset.kept)]));
}`;

async function moveAndRead(threshold: number): Promise<Record<string, number>> {
  return (await page.evaluate(`(${MOVE_AND_READ})(${threshold})`)) as Record<string, number>;
}

async function serverKept(threshold: number, wnids: string[]): Promise<Record<string, number>> {
  const { classes } = await api<{ classes: ClassRow[] }>('curation.classes', { threshold });
  const byWnid = new Map(classes.map((c) => [c.wnid, c.kept]));
  return Object.fromEntries(wnids.map((w) => [w, byWnid.get(w)!]));
}

test('slider moves are counted in the page, with no request per move, and agree with the server; decisions made in the page or elsewhere are counted', async () => {
  await openCuration(1440, 900);
  await page.waitForLoadState('networkidle');
  const countRequests: string[] = [];
  const onRequest = (r: { url(): string }) => {
    if (r.url().includes('/api/curation.counts')) countRequests.push(r.url());
  };
  page.on('request', onRequest);
  try {
    const settings = await api<{ threshold: number; range: [number, number] }>('curation.settings');
    // Thresholds across the slider's range, on its 0.001 grid.
    const [lo, hi] = settings.range;
    const thresholds = [0.05, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.75, 0.95].map((f) =>
      Number((lo + (hi - lo) * f).toFixed(3)),
    );
    const shown: Record<string, number>[] = [];
    for (const t of thresholds) shown.push(await moveAndRead(t));
    assert.deepEqual(countRequests, [], 'no counts request while the slider moves');
    for (const [i, t] of thresholds.entries())
      assert.deepEqual(shown[i], await serverKept(t, Object.keys(shown[i])), `page counts at ${t}`);
    // Once the slider rests, one request confirms the page's counts.
    await page.waitForTimeout(600);
    assert.equal(countRequests.length, 1, 'one confirming request after the slider rested');

    // A decision made elsewhere (another window, the CLI): the page counts without it until the confirming request
    // after the next rest, which corrects the counts.
    const big = await biggestClass('kept');
    const t0 = settings.threshold;
    const { items } = await api<{ items: { sampleId: number; kept: boolean }[] }>('curation.items', {
      wnid: big.wnid,
      filter: 'kept',
      threshold: t0,
      limit: 1,
    });
    const elsewhere = await api<{ batch: number }>('curation.decide', {
      sampleId: items[0].sampleId,
      wnid: big.wnid,
      decision: 'reject',
    });
    await moveAndRead(t0);
    await page.waitForFunction(
      ([w, k]) => Number(document.querySelector(`.class-item[data-wnid="${w}"]`)?.getAttribute('data-kept')) === k,
      [big.wnid, big.kept - 1] as const,
    );
    await api('curation.undo', { batch: elsewhere.batch });

    // A decision made in the page: the next move is counted with it, at once.
    await moveAndRead(t0 + 0.001);
    await page.waitForTimeout(600);
    await selectClass(big.wnid);
    await page.click('[data-filter="kept"]');
    await page.waitForSelector('.cell[data-index="0"][data-sample-id]');
    await cursorOnCell(page, 0);
    await page.keyboard.press('r');
    await page.waitForSelector('.cell[data-decision="reject"]');
    await page.waitForLoadState('networkidle');
    for (const t of [t0 - 0.05, t0, t0 + 0.002]) {
      const t3 = Number(t.toFixed(3));
      const now = await moveAndRead(t3);
      assert.equal(now[big.wnid], (await serverKept(t3, [big.wnid]))[big.wnid], `with the page's decision at ${t3}`);
    }
    await page.click('.grid-actions button:has-text("Undo")');
    await page.waitForLoadState('networkidle');
  } finally {
    page.off('request', onRequest);
  }
});

test('each filter shows as many candidates as its count says; a bulk decision asks first and undoes as one step', async () => {
  await openCuration(1440, 900);
  const big = await biggestClass('kept');
  await selectClass(big.wnid);
  await page.waitForSelector('[data-filter="kept"] .chip-count:not(:text("…"))');
  for (const f of ['kept', 'dropped', 'near', 'flagged', 'undecided', 'all']) {
    const count = Number(((await page.textContent(`[data-filter="${f}"] .chip-count`)) ?? '').replace(/,/g, ''));
    await page.click(`[data-filter="${f}"]`);
    await page.waitForSelector(`.grid-scroller[data-total="${count}"]`);
  }
  await page.click('[data-filter="kept"]');
  const keptCount = Number((await page.textContent('[data-filter="kept"] .chip-count'))!.replace(/,/g, ''));
  assert.ok(keptCount > 0);
  await page.click('[data-testid="bulk-reject"]');
  await page.waitForSelector('.modal:has-text("Reject")');
  await screenshot(page, 'e2e-curation-bulk-confirm');
  await page.click(`.modal button:has-text("Reject ${keptCount}")`);
  await page.waitForSelector('[data-filter="rejected"] .chip-count:text("' + keptCount.toLocaleString('en-US') + '")');
  const facets = (
    await api<{ facets: { rejected: number; kept: number } }>('curation.class', {
      wnid: big.wnid,
      threshold: (await api<{ threshold: number }>('curation.settings')).threshold,
    })
  ).facets;
  assert.deepEqual([facets.rejected, facets.kept], [keptCount, 0]);
  await page.click('.grid-actions button:has-text("Undo")');
  await page.waitForSelector('[data-filter="rejected"] .chip-count:text("0")');
  await page.waitForSelector(`[data-filter="kept"] .chip-count:text("${keptCount.toLocaleString('en-US')}")`);
});

test('the expanded view shows the candidate in full; A decides and moves on; the history records it', async () => {
  await openCuration(1440, 900);
  const big = await biggestClass();
  await selectClass(big.wnid);
  const first = Number(await page.getAttribute('.cell[data-index="0"]', 'data-sample-id'));
  await page.click('.cell[data-index="0"]');
  await page.waitForSelector(`[data-testid="expanded"][data-sample-id="${first}"]`);
  const text = (await page.textContent('[data-testid="expanded"]'))!;
  const detail = await api<{ caption: string; url: string; source: { path: string; row: number } }>('curation.item', {
    wnid: big.wnid,
    sampleId: first,
  });
  for (const part of [detail.caption, detail.source.path, `row ${detail.source.row}`, 'text sim.', 'image sim.'])
    assert.ok(text.includes(part), `expanded view shows ${part}`);
  await page.waitForFunction(
    () => ((document.querySelector('.expanded-image img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 200,
  );
  await screenshot(page, 'e2e-curation-expanded');
  await page.keyboard.press('a');
  await page.waitForSelector(`[data-testid="expanded"]:not([data-sample-id="${first}"])`);
  await page.keyboard.press('ArrowLeft');
  await page.waitForSelector(
    `[data-testid="expanded"][data-sample-id="${first}"] [data-testid="history"]:has-text("accept")`,
  );
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="expanded"]', { state: 'detached' });
  await page.waitForSelector(`.cell[data-index="0"][data-decision="accept"]`);
  await page.keyboard.press('u');
  await page.waitForSelector(`.cell[data-index="0"][data-decision=""]`);
});

test('the keyboard: arrows move along the class list, Enter or Space opens a class; the focus follows the grid cursor, Enter opens the cell, Space marks it', async () => {
  await openCuration(1440, 900);
  const settings = await api<{ threshold: number }>('curation.settings');
  const { classes } = await api<{ classes: ClassRow[] }>('curation.classes', { threshold: settings.threshold });
  const [big, next] = [...classes].sort((a, b) => b.candidates - a.candidates);
  const row = (wnid: string) => `.class-item[data-wnid="${wnid}"]`;
  await page.focus(row(big.wnid));
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${row(big.wnid)}[aria-selected="true"]`);
  await page.waitForSelector('.cell[data-index="1"][data-sample-id]');
  // Enter went to the class row only: Curation's own Enter (open the cursor's cell) did not act as well.
  await page.waitForTimeout(300);
  assert.equal(await page.$('[data-testid="expanded"]'), null, 'Enter on a class does not open a candidate');
  // The grid is one Tab stop, at its cursor.
  assert.deepEqual(await page.$$eval('.cell[tabindex="0"]', (els) => els.map((e) => e.getAttribute('data-index'))), [
    '0',
  ]);
  await page.focus('.cell[data-index="0"]');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-index') === '1');
  assert.equal(await page.getAttribute('.cell.selected', 'data-index'), '1');
  await page.keyboard.press(' ');
  await page.waitForSelector('.cell[data-index="1"].marked[aria-selected="true"]');
  await page.keyboard.press(' ');
  await page.waitForSelector('.cell[data-index="1"]:not(.marked)[aria-selected="false"]');
  const second = await page.getAttribute('.cell[data-index="1"]', 'data-sample-id');
  await page.keyboard.press('Enter');
  await page.waitForSelector(`[data-testid="expanded"][data-sample-id="${second}"]`);
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="expanded"]', { state: 'detached' });
  // The class list is one Tab stop; the arrows move the focus along it (not the grid's cursor), Space opens a class
  // as Enter does.
  assert.deepEqual(
    await page.$$eval('.class-item[tabindex="0"]', (els) => els.map((e) => e.getAttribute('data-wnid'))),
    [big.wnid],
  );
  const order = await page.$$eval('.class-item', (els) => els.map((e) => e.getAttribute('data-wnid')));
  const cursorBefore = await page.getAttribute('.cell.selected', 'data-index');
  await page.focus(row(big.wnid));
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(
    (w) => document.activeElement?.getAttribute('data-wnid') === w,
    order[order.indexOf(big.wnid) + 1],
  );
  assert.equal(await page.getAttribute('.cell.selected', 'data-index'), cursorBefore, 'the grid cursor stays');
  assert.equal(
    await page.getAttribute(row(big.wnid), 'aria-selected'),
    'true',
    'moving the focus does not open a class',
  );
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction((w) => document.activeElement?.getAttribute('data-wnid') === w, big.wnid);
  // A click opens a class but leaves the focus where it was: the arrows still move the grid's cursor.
  await page.focus('.cell.selected');
  await page.click(row(next.wnid));
  await page.waitForSelector(`${row(next.wnid)}[aria-selected="true"]`);
  await page.waitForSelector('.cell[data-index="1"][data-sample-id]');
  assert.equal(
    await page.evaluate(() => !!document.activeElement?.closest('.class-item')),
    false,
    'the clicked class did not take the focus',
  );
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('.cell.selected[data-index="1"]');
  await page.focus(row(big.wnid));
  await page.keyboard.press(' ');
  await page.waitForSelector(`${row(big.wnid)}[aria-selected="true"]`);
  await page.focus(row(next.wnid));
  await page.keyboard.press(' ');
  await page.waitForSelector(`${row(next.wnid)}[aria-selected="true"]`);
  assert.equal(
    await page.$eval('[data-screen="Curation"]', () => document.activeElement?.getAttribute('data-wnid')),
    next.wnid,
    'the focus stays on the class',
  );
  assert.deepEqual(pageErrors, []);
});

test('Dataset: the form starts from the workspace, previews, refuses an empty selection, asks before replacing, marks a stale selection, shows the export path', async () => {
  // A low threshold, so that several classes hold a few kept photos each.
  await api('curation.setThreshold', { threshold: 0.3 });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('about:blank');
  await page.goto(`${served.url}#/Dataset`);
  const suggestion = await api<{ classes: number; train: number; test: number; basis: string }>('dataset.suggest');
  await page.waitForFunction(
    (s) =>
      (document.querySelector('input[aria-label="Train / class"]') as HTMLInputElement | null)?.value ===
      String(s.train),
    suggestion,
  );
  assert.ok(suggestion.train < 1000, `prefilled from what the classes hold, not the paper's 1000: ${suggestion.basis}`);
  await page.waitForSelector('[data-testid="select-preview"]:has-text("Would select")');
  // Too many images per class: the preview says so and the button stays off.
  await page.fill('input[aria-label="Train / class"]', '5000');
  await page.waitForSelector('[data-testid="select-preview"]:has-text("Nothing to select")');
  assert.equal(await page.isDisabled('button:has-text("Select classes")'), true);
  await page.fill('input[aria-label="Train / class"]', String(suggestion.train));
  await page.waitForSelector('[data-testid="select-preview"]:has-text("Would select")');
  await page.click('button:has-text("Select classes")');
  await page.waitForSelector('.job[data-job-kind="select"][data-job-state="succeeded"]', { timeout: 120000 });
  await page.waitForSelector('[data-testid="selection-summary"]:has-text("matches the workspace")');
  // A second selection asks first.
  await page.fill('input[aria-label="Seed"]', '7');
  await page.waitForSelector('[data-testid="select-preview"]:has-text("Replaces selection #1")');
  await page.click('button:has-text("Select classes…")');
  await page.waitForSelector('.modal:has-text("Replace selection #1?")');
  await screenshot(page, 'e2e-dataset-replace-confirm');
  await page.click('.modal button:has-text("Cancel")');
  assert.equal((await api<{ selection: { id: number } }>('dataset.classes')).selection.id, 1);
  // Export: the path with a copy button.
  await page.fill('label:has-text("Image size") input', '48');
  await page.click('[data-screen="Dataset"] .panel button:text-is("Export")');
  await page.waitForSelector('[data-testid="latest-export"] .path-text', { timeout: 120000 });
  const [exported] = await api<{ out: string }[]>('dataset.exports');
  assert.equal(await page.textContent('[data-testid="latest-export"] .path-text'), exported.out);
  assert.ok(await page.isVisible('[data-testid="latest-export"] button:has-text("Copy")'));
  // A new workspace threshold makes the selection and the export stale, saying why.
  const settings = await api<{ threshold: number }>('curation.settings');
  await api('curation.setThreshold', { threshold: Number((settings.threshold + 0.01).toFixed(3)) });
  await page.reload();
  await page.waitForSelector(
    '[data-testid="selection-summary"] [data-testid="stale"]:has-text("the threshold is now")',
  );
  await page.waitForSelector('[data-testid="latest-export"] [data-testid="stale"]');
  await screenshot(page, 'e2e-dataset-stale');
  await page.setViewportSize({ width: 1024, height: 700 });
  await screenshot(page, 'e2e-dataset-stale-1024');
});

test('Sources in browser mode: browse the server folders and add paths', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${served.url}#/Sources`);
  await page.click('button:has-text("Browse…")');
  await page.waitForSelector('.picker-row');
  // The keyboard: a folder's name opens it, a crumb goes back up; a file's name ticks it as its box does.
  const up = await page.$$eval('.crumbs button', (els) => els.length);
  await page.focus(`.picker-row[data-path="${wsDir}"] button.picker-name`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.crumbs button').length === n + 1, up);
  const file = page.locator('.picker-row:has(label.picker-name)').first();
  await file.locator('label.picker-name').click();
  assert.equal(await file.locator('input[type="checkbox"]').isChecked(), true, 'a click on a file name ticks it');
  await file.locator('label.picker-name').click();
  assert.equal(await file.locator('input[type="checkbox"]').isChecked(), false);
  await page.focus(`.crumbs button >> nth=${up - 1}`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.picker-row[data-path="${wsDir}"]`);
  await page.check(`.picker-row[data-path="${wsDir}"] input`);
  await screenshot(page, 'e2e-sources-browse');
  await page.click('.modal button:has-text("Add")');
  assert.equal(await page.inputValue('textarea[aria-label="paths to ingest"]'), wsDir);
  assert.deepEqual(pageErrors, []);
});
