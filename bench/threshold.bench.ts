// Threshold queries of the curation screen with 1M synthetic candidates over 5000 classes: kept count of every
// class and one class's histogram at a new threshold (goal <= 16 ms, one frame), against the same counts by SQL.
// Each candidate is a real sample + match row; 2% carry a not-allowed NSFW metadata value and 3% have no image, so
// the index build applies the kept rule's exclusions (store/kept.ts) like a real workspace.
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openWorkspace } from '../native-workers/store/workspace.ts';
import { writeTextSimilarities } from '../native-workers/store/text-similarities.ts';
import { classHistogram, classIndex, keptByClass } from '../native-workers/store/threshold-index.ts';
import { runStandalone, type BenchLine } from './types.ts';

const CANDIDATES = 1_000_000;
const CLASSES = 5000;

export async function run(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'imagenot-bench-threshold-'));
  const ws = openWorkspace(join(dir, 'ws'), { create: true });
  try {
    const db = ws.db;
    // Generated rows only: no images behind the samples' sha256, so foreign keys are off for this workspace.
    db.pragma('foreign_keys = OFF');
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const wnids = Array.from({ length: CLASSES }, (_, i) => `n${String(10000000 + i).padStart(8, '0')}`);
    db.transaction(() => {
      db.prepare(`INSERT INTO sources (id, path, kind, content_hash, state) VALUES (1, 'bench.parquet', 'parquet', 'bench', 'done')`).run();
      const sample = db.prepare(`INSERT INTO samples (id, source_id, row, caption, nsfw_meta, image_sha256) VALUES (?, 1, ?, '', ?, ?)`);
      const match = db.prepare(`INSERT INTO matches (sample_id, wnids, lemmas, status) VALUES (?, ?, '', 'matched')`);
      const rows: { sampleId: number; wnid: string; similarity: number }[] = [];
      for (let i = 1; i <= CANDIDATES; i++) {
        // Zipf-like class sizes, similarities spread like a real encoder's (mostly 0.3..0.9).
        const wnid = wnids[Math.floor(rand() ** 2 * CLASSES)];
        const r = rand();
        sample.run(i, i, r < 0.02 ? 'NSFW' : 'UNLIKELY', r > 0.97 ? null : `sha-${i}`);
        match.run(i, wnid);
        rows.push({ sampleId: i, wnid, similarity: 0.3 + 0.6 * (rand() + rand() + rand()) / 3 });
        if (rows.length === 50000) writeTextSimilarities(db, 'bench', rows.splice(0));
      }
      writeTextSimilarities(db, 'bench', rows);
    })();

    let t = performance.now();
    classIndex(db, 'bench');
    const buildMs = performance.now() - t;

    const thresholds = Array.from({ length: 50 }, (_, i) => 0.4 + i * 0.009);
    t = performance.now();
    for (const th of thresholds) keptByClass(db, 'bench', th);
    const countsMs = (performance.now() - t) / thresholds.length;

    t = performance.now();
    for (const th of thresholds) classHistogram(db, 'bench', wnids[Math.floor(th * 1000) % 50], 40);
    const histMs = (performance.now() - t) / thresholds.length;

    const sql = db.prepare(`SELECT wnid, COUNT(*) n, SUM(similarity > ?) kept FROM text_similarities WHERE encoder = 'bench' GROUP BY wnid`);
    t = performance.now();
    for (const th of thresholds.slice(0, 3)) sql.all(th);
    const sqlMs = (performance.now() - t) / 3;

    return [
      { name: 'threshold: kept count of all 5000 classes, 1M candidates', value: countsMs, unit: 'ms', reference: 'SQL GROUP BY', referenceValue: sqlMs, ratio: sqlMs / countsMs, goal: '<= 16 ms' },
      { name: 'threshold: one class histogram (40 bins)', value: histMs, unit: 'ms', goal: '<= 16 ms' },
      { name: 'threshold: index build (once per similarity change)', value: buildMs, unit: 'ms' },
    ];
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await runStandalone(import.meta.url, run);
