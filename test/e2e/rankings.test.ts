// End to end in Chromium, the Rankings screen over runs inserted through the store (eight architectures finished on
// one export, a second, longer ResNet-152 run, ViT-B/16 still training): a neutral empty state first; then the
// statistics with their intervals and n, both figures with a point and error bar per model and labels that do not
// overlap (measured in the page), the model in the tooltip, the provisional run drawn hollow, the run picker — whose
// choice `imagenot rankings WS --json` (a real process) then prints identically — and the CSV. Screenshots at
// 1440x900 and 1024x700.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runCli, tempDir } from '../helpers/workspace.ts';
import { callApi, launchChromium, screenshot, serve, type Served } from '../helpers/browser.ts';
import { openWorkspace } from '../../native-workers/store/workspace.ts';
import { createRun, insertMetrics, updateRun } from '../../native-workers/store/runs.ts';

let dir: ReturnType<typeof tempDir>;
let wsDir: string;
let served: Served;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;
const pageErrors: string[] = [];

// Test top-1 (percent) on 400 test images: a plausible small-dataset outcome, with close calls.
const FINISHED: [string, number][] = [
  ['alexnet', 31.5],
  ['vgg19', 38.25],
  ['inception_v3', 44.5],
  ['resnet152', 45.0],
  ['densenet161', 46.75],
  ['mobilenet_v3_large', 41.0],
  ['efficientnet_v2_s', 47.25],
  ['convnext_tiny', 48.0],
];

const api = <T>(channel: string, payload: unknown = {}) => callApi<T>(served, channel, payload);

function insertRuns(): { longResnet: number } {
  const ws = openWorkspace(wsDir);
  try {
    const add = (
      arch: string,
      o: { top1?: number; epochs?: number; status?: 'succeeded' | 'running'; val?: number },
    ) => {
      const params = {
        epochs: o.epochs ?? 30,
        batch: 64,
        lr: 0.05,
        seed: 0,
        patience: 5,
        inputSize: 32,
        dataset: { classes: 40, train: 3600, val: 400, test: 400 },
        job: { arch, engine: 'tfjs' },
      };
      const id = createRun(ws.db, {
        jobId: null,
        arch,
        profile: 'local',
        dataset: 'exports/selection-1-imagefolder-32',
        params,
      });
      const status = o.status ?? 'succeeded';
      updateRun(ws.db, id, {
        status,
        backend: 'wasm',
        epoch: status === 'running' ? 12 : (o.epochs ?? 30),
        ended: status !== 'running',
        ...(o.top1 != null ? { top1: o.top1, top5: o.top1 + 30 } : {}),
      });
      if (o.val != null) insertMetrics(ws.db, id, [{ step: 600, epoch: 12, name: 'val_accuracy', value: o.val }]);
      return id;
    };
    const longResnet = add('resnet152', { top1: 52.5, epochs: 90 });
    for (const [arch, top1] of FINISHED) add(arch, { top1 });
    add('vit_b_16', { status: 'running', val: 36.5 });
    return { longResnet };
  } finally {
    ws.close();
  }
}

async function labelBoxes(plot: string) {
  return page.$$eval(`[data-plot="${plot}"] .model-label`, (els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { text: e.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom };
    }),
  );
}

function overlaps(boxes: { text: string | null; x0: number; y0: number; x1: number; y1: number }[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0.5 && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 0.5)
        out.push(`${a.text} / ${b.text}`);
    }
  }
  return out;
}

before(async () => {
  dir = tempDir('imagenot-e2e-rank-');
  wsDir = join(dir.path, 'ws');
  const init = runCli(['init', wsDir]);
  assert.equal(init.code, 0, init.stderr);
  served = await serve(wsDir);
  ({ browser, cleanup: closeBrowser } = await launchChromium());
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
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

test('no runs: a neutral empty state, not an error', async () => {
  await page.goto(`${served.url}#/Rankings`);
  await page.waitForSelector('[data-screen="Rankings"] .empty:has-text("Nothing to compare yet")');
  assert.match((await page.textContent('[data-screen="Rankings"] .empty'))!, /No training runs yet/);
  assert.equal(await page.$('[data-screen="Rankings"] .error-box'), null);
});

test('statistics with intervals and n, both figures, labels apart, tooltips, provisional, picker agrees with the CLI', {
  timeout: 300000,
}, async () => {
  const { longResnet } = insertRuns();
  await page.reload();
  await page.waitForSelector('[data-plot="imagenot-accuracy-on-the-line"][data-points="9"]');
  await page.waitForSelector('[data-plot="imagenot-rankings"][data-points="9"]');
  await page.waitForSelector('.model-point.provisional[data-arch="vit_b_16"]');
  const stats = await page.$$eval('.stat-ci', (els) =>
    els.map((e) => `${e.getAttribute('data-stat')}: ${e.textContent}`),
  );
  assert.equal(stats.length, 4);
  for (const s of stats) assert.match(s, /\[-?[\d.]+, -?[\d.]+\] · n \d/, s);
  assert.ok(
    stats.some((s) => s.startsWith('Pearson r') && s.endsWith('n 8')),
    stats.join('\n'),
  );
  assert.ok(
    stats.some((s) => s.startsWith('Spearman') && s.endsWith('n 9')),
    stats.join('\n'),
  );
  assert.match((await page.textContent('[data-testid="provisional-note"]'))!, /1 of 9 models are still training/);
  assert.match((await page.textContent('.plot-foot'))!, /Test set: 400 images per model/);
  // One error bar per model in each figure.
  assert.equal(await page.$$eval('[data-plot="imagenot-accuracy-on-the-line"] .recharts-errorBar', (e) => e.length), 9);
  for (const plot of ['imagenot-accuracy-on-the-line', 'imagenot-rankings']) {
    const boxes = await labelBoxes(plot);
    assert.equal(boxes.length, 9);
    assert.deepEqual(overlaps(boxes), [], `${plot}: overlapping labels`);
  }
  // Each figure has its own y range (accuracy in percent, relative improvement around 0).
  const yTicks = (plot: string) =>
    page.$$eval(`[data-plot="${plot}"] .recharts-yAxis-tick-labels text`, (e) => e.map((t) => Number(t.textContent)));
  const accTicks = await yTicks('imagenot-accuracy-on-the-line');
  const relTicks = await yTicks('imagenot-rankings');
  assert.ok(
    accTicks.length >= 3 && Math.min(...accTicks) >= 20 && Math.max(...accTicks) <= 60,
    `accuracy axis ${accTicks.join(' ')}`,
  );
  assert.ok(
    relTicks.length >= 3 && Math.max(...relTicks.map(Math.abs)) <= 1,
    `relative-improvement axis ${relTicks.join(' ')}`,
  );
  // The tooltip names the model.
  await page.hover('[data-plot="imagenot-accuracy-on-the-line"] .model-point[data-arch="densenet161"] circle');
  await page.waitForSelector('.chart-tooltip:has-text("densenet161")');
  assert.match((await page.textContent('.chart-tooltip'))!, /test top-1 46\.75% \[[\d.]+, [\d.]+\] on 400 images/);
  await screenshot(page, 'e2e-rankings-1440');
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.waitForTimeout(800);
  for (const plot of ['imagenot-accuracy-on-the-line', 'imagenot-rankings'])
    assert.deepEqual(overlaps(await labelBoxes(plot)), [], `${plot} at 1024: overlapping labels`);
  await screenshot(page, 'e2e-rankings-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  // The picker: the rule's run is the newest finished one; pick the 90-epoch ResNet-152 instead.
  const before = await api<{ rankings: { spearman_rho: number; models: { arch: string; run_id: number }[] } }>(
    'rankings.get',
  );
  await page.selectOption('select[aria-label="run for resnet152"]', String(longResnet));
  await page.waitForSelector('[data-picker-arch="resnet152"] .badge:has-text("picked")');
  const after = await api<{
    rankings: { spearman_rho: number; models: { arch: string; run_id: number; top1: number }[] };
  }>('rankings.get');
  assert.equal(after.rankings.models.find((m) => m.arch === 'resnet152')!.top1, 52.5);
  assert.notEqual(after.rankings.spearman_rho, before.rankings.spearman_rho);
  await page.waitForFunction(
    (rho) => document.querySelector('[data-stat="Spearman ρ"]')?.textContent?.startsWith(rho),
    after.rankings.spearman_rho.toFixed(3),
  );
  const cli = runCli(['rankings', wsDir, '--json']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout), after, 'the CLI prints what the screen shows');

  // Final runs only: ViT-B/16 leaves.
  await page.click('input[aria-label="include runs still training"]'); // unticked once the backend has stored it
  await page.waitForSelector('[data-plot="imagenot-rankings"][data-points="8"]');
  assert.equal(await page.$('.model-point.provisional'), null);

  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-screen="Rankings"] button:has-text("CSV")'),
  ]);
  const lines = readFileSync((await file.path())!, 'utf8')
    .trim()
    .split('\n');
  assert.ok(
    lines[0].startsWith('arch,imagenet_top1,dataset_top1,imagenet_rel_over_alexnet,dataset_rel_over_alexnet,'),
    lines[0],
  );
  assert.match(lines[0], /,n,run_id,provisional$/);
  assert.equal(lines.length, 9);
  assert.match(lines.find((l) => l.startsWith('resnet152,'))!, new RegExp(`,400,${longResnet},false$`));
  assert.deepEqual(pageErrors, []);
});
