// End to end in Chromium: the Synsets screen's lemma rule on a workspace of the 10,000 real LAION captions, first
// matched with LAIONet's rules alone (so the letter A and inch are classes) and text-filtered: each lemma's state with
// its reason, restoring and dropping a lemma by hand, the review list (its rows open with Enter, their buttons only
// act), and re-matching — the preview dialog with classes gained and lost, then the run (with the text filter after
// it) that leaves Curation without the stale classes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { cliOk, sharedDir, tempDir } from '../helpers/workspace.ts';
import { callApi, launchChromium, screenshot, serve, type Served } from '../helpers/browser.ts';

let dir: ReturnType<typeof tempDir>;
let wsDir: string;
let served: Served;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;
const pageErrors: string[] = [];

const cli = (args: string[]) => cliOk(args);

const api = <T>(channel: string, payload: unknown = {}) => callApi<T>(served, channel, payload);

async function go(screen: string): Promise<void> {
  await page.click(`[data-nav="${screen}"]`);
  await page.waitForSelector(`[data-screen="${screen}"]`);
}

before(async () => {
  dir = tempDir('imagenot-e2e-lemmas-');
  wsDir = join(dir.path, 'ws');
  cli(['init', wsDir]);
  cli(['ingest', wsDir, join(sharedDir, 'data', 'laion-sample', 'img2dataset-test_10000.parquet')]);
  cli(['match', wsDir, '--lemma-rule', 'none']);
  cli(['filter', wsDir]);
  served = await serve(wsDir);
  // The server builds the eligible set's lemma states on first use (a second or two, much more on a loaded machine):
  // done here so that the screen's waits measure the screen.
  await api('synsets.search', { query: 'inch', limit: 5 });
  ({ browser, cleanup: closeBrowser } = await launchChromium());
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text());
  });
  await page.goto(served.url);
  await page.waitForSelector('[data-nav="Synsets"]');
});

after(async () => {
  await closeBrowser?.();
  await served?.stop();
  dir?.cleanup();
});

test('a synset shows each lemma with its fate and reason; a lemma is restored and returned to the rule by hand', async () => {
  await go('Synsets');
  await page.fill('input[aria-label="search synsets"]', 'inch');
  const row = '[data-screen="Synsets"] tbody tr:has-text("n13649791")';
  await page.waitForSelector(row);
  assert.equal(await page.getAttribute(`${row} .lemma-chip[data-lemma="in"]`, 'data-status'), 'dropped');
  assert.match((await page.getAttribute(`${row} .lemma-chip[data-lemma="in"]`, 'title'))!, /function word 'in'/);
  // The keyboard opens a synset as a click does.
  await page.focus(row);
  await page.keyboard.press('Enter');
  const inRow = '.lemma-table tr[data-lemma="in"]';
  await page.waitForSelector(inRow);
  assert.match((await page.textContent(inRow))!, /dropped.*function word 'in' \(preposition or particle\)/);
  await screenshot(page, 'e2e-synsets-lemmas');
  await page.click(`${inRow} button:has-text("Restore")`);
  await page.waitForSelector(`${inRow}[data-status="kept"]:has-text("restored by hand")`);
  const shown = await api<{ lemmaStates: { lemma: string; status: string; override: string | null }[] }>(
    'synsets.show',
    { wnid: 'n13649791' },
  );
  const inState = shown.lemmaStates.find((l) => l.lemma === 'in')!;
  assert.deepEqual([inState.status, inState.override], ['kept', 'keep']);
  // The review's "changed by hand" tab lists it; back to the rule from there.
  await page.click('.lemma-review button[role="tab"]:has-text("Changed by hand")');
  await page.waitForSelector('.lemma-review tr[data-lemma="in"][data-wnid="n13649791"]');
  await page.click('.lemma-review tr[data-lemma="in"] button:has-text("Use rule")');
  await page.waitForSelector(`${inRow}[data-status="dropped"]`);
  assert.equal((await api<{ total: number }>('synsets.lemmaReview', { kind: 'overridden' })).total, 0);
});

test('the review lists flagged and dropped lemmas with reasons', async () => {
  await page.click('.lemma-review button[role="tab"]:has-text("Flagged")');
  await page.waitForSelector('.lemma-review tbody tr');
  const flagged = await page.$$eval('.lemma-review tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
  assert.ok(
    flagged.length > 10 &&
      flagged.every((t) => /two characters|often not a noun|never tagged|form of the verb|plural of/.test(t)),
    flagged.slice(0, 3).join(' / '),
  );
  // A review row opens its synset with Enter, as with a click; its own button only does what it says.
  const first = page.locator('.lemma-review tbody tr').first();
  const wnid = (await first.getAttribute('data-wnid'))!;
  await first.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.synset-detail h3:has-text("${wnid}")`);
  await page.click('.lemma-review button[role="tab"]:has-text("Dropped")');
  await page.waitForSelector('.lemma-review tbody tr button:has-text("Restore")');
  const shownBefore = await page.textContent('.synset-detail h3');
  // A row of another synset than the one shown, so that opening it would show.
  const dropped = page
    .locator(`.lemma-review tbody tr:not([data-wnid="${wnid}"]):has(button:has-text("Restore"))`)
    .first();
  const [lemma, droppedWnid] = [
    (await dropped.getAttribute('data-lemma'))!,
    (await dropped.getAttribute('data-wnid'))!,
  ];
  await dropped.locator('button:has-text("Restore")').click();
  await page.waitForFunction(
    ([l, w]) =>
      !document
        .querySelector(`.lemma-review tr[data-lemma="${l}"][data-wnid="${w}"] button`)
        ?.textContent?.includes('Restore'),
    [lemma, droppedWnid],
  );
  assert.equal(await page.textContent('.synset-detail h3'), shownBefore, "Restore did not open the row's synset");
  await api('synsets.setLemma', { wnid: droppedWnid, lemma, decision: null });
  await page.click('.lemma-review button[role="tab"]:has-text("Dropped")');
  await page.waitForSelector('.lemma-review [data-count="overridden"]:text-is("0")');
  await page.waitForSelector('.lemma-review tbody tr button:has-text("Restore")');
  await screenshot(page, 'e2e-synsets-lemma-review');
});

test('re-matching shows what changes and asks; the run replaces the candidates and Curation drops the stale classes', async () => {
  await go('Curation');
  await page.waitForSelector('.class-item');
  assert.ok(await page.$('.class-item[data-wnid="n06831177"]'), 'before: the letter A is a Curation class');
  type ClassCount = { wnid: string; candidates: number };
  const inchBefore =
    (await api<{ classes: ClassCount[] }>('curation.classes', { threshold: 0.5 })).classes.find(
      (c) => c.wnid === 'n13649791',
    )?.candidates ?? 0;
  assert.ok(inchBefore > 100, `before: inch collects the captions with "in" (${inchBefore})`);
  await go('Synsets');
  await page.click('button:has-text("Re-match captions")');
  await page.waitForSelector('[data-dialog="rematch"]', { timeout: 180000 });
  const dialog = (await page.textContent('[data-dialog="rematch"]'))!;
  assert.match(dialog, /Replace the workspace's candidates\?/);
  const gained = Number((await page.textContent('[data-count="gained"]'))!.replace(/,/g, ''));
  const lost = Number((await page.textContent('[data-count="lost"]'))!.replace(/,/g, ''));
  assert.ok(gained > 0 && lost > 0, `gained ${gained}, lost ${lost}`);
  assert.match((await page.textContent('[data-dialog="rematch"] tr[data-wnid="n06831177"]'))!, /lost/);
  await screenshot(page, 'e2e-synsets-rematch-preview');
  // Nothing was replaced yet.
  const status = await api<{ lemma_rule: string }>('status.get');
  assert.equal(status.lemma_rule, 'none');
  await page.click('[data-dialog="rematch"] button:has-text("Replace candidates")');
  const deadline = Date.now() + 300000;
  for (;;) {
    const jobs = await api<{ kind: string; state: string }[]>('jobs.list', { limit: 10 });
    const last = (kind: string) => jobs.find((j) => j.kind === kind);
    if (
      last('filter')?.state === 'succeeded' &&
      last('match')?.state === 'succeeded' &&
      (await api<{ lemma_rule: string }>('status.get')).lemma_rule === 'default'
    )
      break;
    assert.ok(Date.now() < deadline, `match and filter did not finish: ${JSON.stringify(jobs.slice(0, 3))}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  await go('Curation');
  await page.waitForSelector('.class-item');
  await page.waitForFunction(() => !document.querySelector('.class-item[data-wnid="n06831177"]'));
  const { classes } = await api<{ classes: ClassCount[] }>('curation.classes', { threshold: 0.5 });
  assert.ok(!classes.some((c) => c.wnid === 'n06831177'), 'the letter A is gone');
  // inch keeps only the captions that say "inch" (its own word, now its dominant sense), not those with "in".
  const inchAfter = classes.find((c) => c.wnid === 'n13649791')?.candidates ?? 0;
  assert.ok(inchAfter * 5 < inchBefore, `inch ${inchBefore} -> ${inchAfter}`);
  await screenshot(page, 'e2e-curation-after-rematch');
  assert.deepEqual(pageErrors, []);
});
