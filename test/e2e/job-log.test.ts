// End to end in Chromium, a job's log in the app: a real fetch job (slow local image server, two dead links) is opened
// from the activity strip and from its row while it runs; the dialog shows its first line, then follows it: the
// cancel's warn line arrives without reopening, and after a resume (dialog still open) the lines up to "succeeded". A
// failed export's log shows its error line coloured apart from info, and the level filter hides the info lines; the
// activity strip keeps the failed job, with its log. The log lines are the workspace's logs/job-<id>.log as
// `jobs.log` reads it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runCli, tempDir } from '../helpers/workspace.ts';
import { callApi, launchChromium, screenshot, serve, type Served } from '../helpers/browser.ts';
import { startImageServer, type ImageServer } from '../helpers/image-server.ts';

let dir: ReturnType<typeof tempDir>;
let wsDir: string;
let images: ImageServer;
let served: Served;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;
const pageErrors: string[] = [];

interface JobView {
  id: number;
  state: string;
  message: string | null;
}
const api = <T>(channel: string, payload: unknown = {}) => callApi<T>(served, channel, payload);

async function waitForJob(id: number, states: string[]): Promise<JobView> {
  for (let i = 0; i < 600; i++) {
    const job = (await api<JobView[]>('jobs.list', { limit: 50 })).find((j) => j.id === id)!;
    if (states.includes(job.state)) return job;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`job ${id} never reached ${states.join('/')}`);
}

const logLines = (id: number) =>
  page.$$eval(`[data-job-log="${id}"] .log-line`, (rows) =>
    rows.map((r) => ({ level: r.getAttribute('data-level'), text: r.textContent ?? '' })),
  );

before(async () => {
  dir = tempDir('imagenot-e2e-joblog-');
  wsDir = join(dir.path, 'ws');
  images = await startImageServer({ photos: 16 });
  const urls = [
    ...images.photos.slice(0, 16).map((p) => `${images.base}/slow/600/${p}`),
    `${images.base}/status/404`,
    `${images.base}/status/410`,
  ];
  const csv = join(dir.path, 'urls.csv');
  writeFileSync(csv, 'URL,TEXT\n' + urls.map((u, i) => `${u},a photo number ${i}`).join('\n') + '\n');
  const init = runCli(['init', wsDir]);
  assert.equal(init.code, 0, init.stderr);
  const ingest = runCli(['ingest', wsDir, csv]);
  assert.equal(ingest.code, 0, ingest.stderr);
  served = await serve(wsDir);
  ({ browser, cleanup: closeBrowser } = await launchChromium());
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text());
  });
  await page.goto(`${served.url}#/Sources`);
  await page.waitForSelector('.conn.on');
});

after(async () => {
  await closeBrowser?.();
  await served?.stop();
  await images?.close();
  dir?.cleanup();
});

test('a running fetch: its log opens from the activity strip and from the job row, and follows the job through a cancel and a resume', async () => {
  await page.click('[data-nav="Sources"]');
  await page.waitForSelector('[data-screen="Sources"]');
  const job = await api<JobView>('jobs.start', {
    kind: 'fetch',
    params: { concurrency: 1, perHost: 1, allowPrivateAddresses: true },
  });
  await page.waitForSelector(`[data-job-id="${job.id}"][data-job-state="running"]`);
  // The activity strip (on every screen) opens the running job's log too.
  await page.click(`[data-activity-job="${job.id}"] button:has-text("Log")`);
  await page.waitForFunction(
    (id) =>
      [...document.querySelectorAll(`[data-job-log="${id}"] .log-line`)].some((r) =>
        r.textContent!.includes(`fetch job ${id} started`),
      ),
    job.id,
  );
  await screenshot(page, 'job-log-from-activity');
  await page.keyboard.press('Escape');
  await page.waitForSelector(`[data-job-log="${job.id}"]`, { state: 'detached' });
  await page.click(`[data-job-log-open="${job.id}"]`);
  await page.waitForFunction(
    (id) =>
      [...document.querySelectorAll(`[data-job-log="${id}"] .log-line`)].some((r) =>
        r.textContent!.includes(`fetch job ${id} started`),
      ),
    job.id,
  );
  assert.equal(
    await page.getAttribute(`[data-job-log-bar="${job.id}"] [data-log-live]`, 'data-log-live'),
    'yes',
    'the log is live while the job runs',
  );
  const first = await logLines(job.id);
  assert.ok(!first.some((l) => /succeeded|cancelled/.test(l.text)), 'opened before the job ended');

  // Cancel: the dialog stays open and the warn line the runner writes arrives by itself.
  await api('jobs.cancel', { id: job.id });
  await waitForJob(job.id, ['cancelled']);
  await page.waitForFunction(
    (id) =>
      [...document.querySelectorAll(`[data-job-log="${id}"] .log-line[data-level="warn"]`)].some((r) =>
        r.textContent!.includes('cancelled'),
      ),
    job.id,
    { timeout: 30000 },
  );
  await page.waitForSelector(`[data-job-log-bar="${job.id}"] [data-log-live="no"]`);

  // Resume with the dialog still open: it reads on from where it stopped, to the end.
  await api('jobs.resume', { id: job.id });
  const done = await waitForJob(job.id, ['succeeded', 'failed']);
  assert.equal(done.state, 'succeeded');
  await page.waitForFunction(
    (id) =>
      [...document.querySelectorAll(`[data-job-log="${id}"] .log-line`)].some((r) =>
        r.textContent!.includes('succeeded (worker exit code 0)'),
      ),
    job.id,
    { timeout: 30000 },
  );
  const lines = await logLines(job.id);
  const starts = lines.filter((l) => l.text.includes(`fetch job ${job.id} started`));
  assert.equal(starts.length, 2, 'both attempts, each line once');
  assert.ok(starts[1].text.includes('attempt 2'));
  const fileLog = await api<{ lines: { level: string; message: string }[] }>('jobs.log', { id: job.id });
  assert.deepEqual(
    lines.map((l) => l.level),
    fileLog.lines.map((l) => l.level),
    'the dialog shows the log file line for line',
  );
  assert.ok(lines.every((l, i) => l.text.endsWith(fileLog.lines[i].message)));
  assert.match(
    done.message ?? '',
    /^\d+ downloaded, \d+ failed/,
    'a fetch ends saying what it downloaded and what failed',
  );
  await screenshot(page, 'job-log-fetch');
  await page.keyboard.press('Escape');
  await page.waitForSelector(`[data-job-log="${job.id}"]`, { state: 'detached' });
});

test('a failed job: the error line is coloured apart from info, and the level filter hides info lines', async () => {
  await page.click('[data-nav="Dataset"]');
  await page.waitForSelector('[data-screen="Dataset"]');
  const job = await api<JobView>('jobs.start', { kind: 'export', params: {} });
  assert.equal((await waitForJob(job.id, ['failed', 'succeeded'])).state, 'failed', 'there is no selection to export');
  await page.click(`[data-job-log-open="${job.id}"]`);
  await page.waitForSelector(`[data-job-log="${job.id}"] .log-line[data-level="error"]`);
  const lines = await logLines(job.id);
  assert.deepEqual(
    lines.map((l) => l.level),
    ['info', 'error'],
  );
  assert.match(lines[1].text, /failed \(worker exit code \d+\): no selection yet/);
  const colour = (level: string) =>
    page.$eval(
      `[data-job-log="${job.id}"] .log-line[data-level="${level}"] .log-level`,
      (e) => getComputedStyle(e).color,
    );
  assert.equal(await colour('error'), 'rgb(220, 38, 38)', 'errors in the error colour');
  assert.notEqual(await colour('info'), await colour('error'));
  assert.equal(await page.getAttribute(`[data-job-log-bar="${job.id}"] [data-log-live]`, 'data-log-live'), 'no');

  await page.uncheck(`[data-job-log-bar="${job.id}"] [data-log-filter="info"]`);
  assert.deepEqual(
    (await logLines(job.id)).map((l) => l.level),
    ['error'],
    'info lines hidden',
  );
  await page.uncheck(`[data-job-log-bar="${job.id}"] [data-log-filter="error"]`);
  assert.deepEqual(await logLines(job.id), []);
  assert.match((await page.textContent(`[data-job-log="${job.id}"]`)) ?? '', /No lines at the chosen levels/);
  await page.check(`[data-job-log-bar="${job.id}"] [data-log-filter="info"]`);
  await page.check(`[data-job-log-bar="${job.id}"] [data-log-filter="error"]`);
  assert.equal((await logLines(job.id)).length, 2);
  await screenshot(page, 'job-log-failed');
  await page.click('.modal .close');
  await page.waitForSelector(`[data-job-log="${job.id}"]`, { state: 'detached' });
  // The failed job stays in the activity strip, with its log.
  await page.click(`[data-activity-last="${job.id}"] button:has-text("Log")`);
  await page.waitForSelector(`[data-job-log="${job.id}"] .log-line[data-level="error"]`);
  await page.click('.modal .close');
  assert.deepEqual(pageErrors, []);
});
