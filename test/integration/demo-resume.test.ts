// The demo killed with SIGKILL while it writes its source folder, then run again on the same folder: it continues
// where it stopped and ends with exactly one image, caption and truth row per chosen Fashion-MNIST image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, spawnCli, tempDir } from '../helpers/workspace.ts';

const IMAGES_PER_CLASS = 100;

test('imagenot demo: SIGKILL during the prepare phase, then the same command again finishes the demo', {
  timeout: 15 * 60 * 1000,
}, async () => {
  const dir = tempDir('imagenot-demo-resume-');
  try {
    const ws = join(dir.path, 'ws');
    const args = [
      'demo',
      ws,
      '--images-per-class',
      String(IMAGES_PER_CLASS),
      '--epochs',
      '1',
      '--archs',
      'alexnet',
      '--json',
    ];
    const child = spawnCli(args);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let exited = false;
    child.once('exit', () => (exited = true));
    // Kill it once part of the source folder is written (a few classes in, the prepare phase not finished).
    const pngs = () => {
      try {
        return readdirSync(join(ws, 'demo-source')).filter((f) => f.endsWith('.png')).length;
      } catch {
        return 0;
      }
    };
    while (pngs() < 3.5 * IMAGES_PER_CLASS) {
      if (exited) throw new Error(`demo ended before it could be killed:\n${stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    if (!exited) await new Promise((r) => child.once('exit', r));
    const partial = readdirSync(join(ws, 'demo-source')).filter((f) => f.endsWith('.png')).length;
    assert.ok(partial > 0 && partial < 10 * IMAGES_PER_CLASS, `killed midway (${partial} images written)`);

    const r = runCli(args);
    const summary = JSON.parse(r.stdout);
    const source = readdirSync(join(ws, 'demo-source'));
    assert.equal(source.filter((f) => f.endsWith('.png')).length, 10 * IMAGES_PER_CLASS);
    assert.equal(source.filter((f) => f.endsWith('.txt')).length, 10 * IMAGES_PER_CLASS);
    const truth = readFileSync(join(ws, 'demo-truth.csv'), 'utf8').trim().split('\n').slice(1);
    assert.equal(truth.length, 10 * IMAGES_PER_CLASS, 'one truth row per image');
    assert.equal(new Set(truth.map((l) => l.split(',')[0])).size, truth.length, 'no duplicated truth rows');
    assert.equal(summary.samples, 10 * IMAGES_PER_CLASS, 'every image ingested once');
    assert.ok(summary.classes > 0, 'a selection was made');
    assert.equal(summary.runs.length, 1);
    assert.equal(summary.runs[0].status, 'succeeded', r.stderr.slice(-2000));
  } finally {
    dir.cleanup();
  }
});
