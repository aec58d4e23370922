// The demo end to end in a reduced form (smaller than --quick): `imagenot demo WS --images-per-class N --epochs E
// --archs ...` runs the real stages in worker processes; every stage's counts are checked against what the generated
// source implies (demo-truth.csv + LAIONet's matching rule, recomputed here independently), and training must beat
// chance clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/workspace.ts';
import { openWorkspace } from '../../native-workers/store/workspace.ts';
import { getSynset } from '../../native-workers/store/synsets.ts';
import { workspaceStatus } from '../../native-workers/store/status.ts';
import { FASHION_CLASSES } from '../../native-workers/core/demo/fashion-classes.ts';

const IMAGES_PER_CLASS = 200;
const ARCHS = ['alexnet', 'resnet152'];

/** LAIONet: every ASCII punctuation character -> space, padded with one space on each side. */
const normalise = (caption: string) => ` ${caption.replace(/[!-/:-@[-`{-~]/g, ' ')} `;

function parseTruth(text: string): { file: string; label: number; wnid: string; kind: string; caption: string }[] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [file, label, , wnid, kind, , ...rest] = line.split(',');
      return { file, label: Number(label), wnid, kind, caption: JSON.parse(rest.join(',')) as string };
    });
}

test('imagenot demo (reduced) runs every stage with consistent counts and above-chance models', { timeout: 20 * 60 * 1000 }, () => {
  const dir = tempDir('imagenot-demo-');
  try {
    const ws = join(dir.path, 'ws');
    const r = runCli(['demo', ws, '--images-per-class', String(IMAGES_PER_CLASS), '--epochs', '6', '--archs', ARCHS.join(','), '--json']);
    assert.equal(r.code, 0, `demo failed:\n${r.stderr.slice(-4000)}`);
    const summary = JSON.parse(r.stdout);

    // Source: every Fashion-MNIST class written, each image with a caption, all ingested.
    const source = readdirSync(join(ws, 'demo-source'));
    assert.equal(source.filter((f) => f.endsWith('.png')).length, 10 * IMAGES_PER_CLASS);
    assert.equal(source.filter((f) => f.endsWith('.txt')).length, 10 * IMAGES_PER_CLASS);
    assert.equal(summary.samples, 10 * IMAGES_PER_CLASS);
    assert.equal(summary.rejected, 0);

    // Synsets: T-shirt and sandal are ImageNet-1k classes, excluded by the default rules; the other eight are chosen.
    assert.deepEqual(summary.excludedClasses.map((c: { wnid: string }) => c.wnid).sort(), ['n03595614', 'n04133789']);
    const chosen = readFileSync(join(ws, 'demo-synsets.txt'), 'utf8').trim().split('\n').map((l) => l.split('\t')[0]);
    assert.equal(chosen.length, 8);

    // Matching: recompute from the captions with the chosen synsets' lemmas.
    const db = openWorkspace(ws);
    try {
      const lemmas = chosen.map((wnid) => ({ wnid, lemmas: getSynset(db.db, wnid)!.lemmas }));
      const truth = parseTruth(readFileSync(join(ws, 'demo-truth.csv'), 'utf8'));
      assert.equal(truth.length, 10 * IMAGES_PER_CLASS);
      let matched = 0;
      let ambiguous = 0;
      for (const t of truth) {
        const text = normalise(t.caption);
        const hits = lemmas.filter((s) => s.lemmas.some((l) => text.includes(` ${l} `)));
        if (hits.length === 1) matched++;
        else if (hits.length > 1) ambiguous++;
      }
      assert.equal(summary.matched, matched, 'matched candidates');
      assert.equal(summary.ambiguous, ambiguous, 'ambiguous captions');
      assert.ok(ambiguous > 0 && matched > 0);

      // Text filter: GloVe at its default threshold removes some candidates and keeps most.
      assert.equal(summary.textEncoder, 'glove');
      assert.ok(summary.aboveThreshold > 0 && summary.aboveThreshold < summary.matched, `kept ${summary.aboveThreshold} of ${summary.matched}`);

      // Selection: every chosen class qualifies; equal train/test per class; the export holds exactly those images.
      assert.equal(summary.classes, 8);
      assert.ok(summary.trainImages > 0 && summary.testImages > 0);
      assert.equal(summary.trainImages % 8, 0);
      assert.equal(summary.testImages % 8, 0);
      const exports = readdirSync(join(ws, 'exports'));
      assert.equal(exports.length, 1);
      const count = (split: string) =>
        readdirSync(join(ws, 'exports', exports[0], split)).reduce((n, wnid) => n + readdirSync(join(ws, 'exports', exports[0], split, wnid)).length, 0);
      assert.equal(count('train'), summary.trainImages);
      assert.equal(count('test'), summary.testImages);

      // Training: every architecture ran and beat chance (12.5% with 8 classes).
      assert.equal(summary.runs.length, ARCHS.length);
      for (const run of summary.runs) {
        assert.equal(run.status, 'succeeded', `${run.arch} ${run.status}`);
        assert.ok(run.top1 > 1.5 * summary.chance, `${run.arch} top-1 ${run.top1}% vs chance ${summary.chance}%`);
      }
      assert.equal(summary.rankings.n, ARCHS.length);
      assert.ok('spearman_rho' in summary.rankings && 'kendall_tau' in summary.rankings && 'pearson_r' in summary.rankings);

      const status = workspaceStatus(db);
      assert.equal(status.jobs.filter((j) => j.state !== 'succeeded').length, 0, 'every job succeeded');
      assert.ok(FASHION_CLASSES.length === 10);
      assert.ok(existsSync(join(ws, 'demo-truth.csv')));
    } finally {
      db.close();
    }
  } finally {
    dir.cleanup();
  }
});
