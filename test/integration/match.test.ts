// Matching end to end: the stateless per-file command and the workspace job give identical candidates (real LAION
// sample, ImageNet-1k and eligible synset sets), kill-and-resume of the job, bad inputs, the wordnet commands and the
// synsets API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openWorkspace, type Db } from '../../native-workers/store/workspace.ts';
import { listJobs } from '../../native-workers/store/jobs.ts';
import { matchesWithRows } from '../../native-workers/store/synsets.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { createHandlers } from '../../native-workers/api/handlers/index.ts';
import { dispatch } from '../../native-workers/api/dispatch.ts';
import { repoRoot, runCli, sharedDir, tempDir } from '../helpers/workspace.ts';
import { runCliUntil } from '../helpers/kill-cli.ts';

const laion = join(sharedDir, 'data', 'laion-sample', 'img2dataset-test_10000.parquet');
const imagenetWnids = join(repoRoot, 'assets', 'imagenet-1k-wnids.txt');
let dir: ReturnType<typeof tempDir>;
let wsDir: string;
let eligibleFile: string;

/** The data lines of a match CSV ('row,wnid,lemmas,status'). */
function csvLines(path: string): string[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'row,wnid,lemmas,status');
  return lines.slice(1);
}

/** The workspace's matches in the same form (one source: its rows). */
function workspaceLines(): string[] {
  const ws = openWorkspace(wsDir);
  try {
    return matchesWithRows(ws.db).map((m) => `${m.row},${m.wnids},${m.lemmas.includes(',') ? JSON.stringify(m.lemmas) : m.lemmas},${m.status}`);
  } finally {
    ws.close();
  }
}

function perFile(synsets: string, name: string, extra: string[] = []) {
  const out = join(dir.path, name);
  const r = runCli(['match', '--captions', laion, '--synsets', synsets, '--out', out, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return { out, stdout: r.stdout, lines: csvLines(out) };
}

before(() => {
  dir = tempDir();
  wsDir = join(dir.path, 'ws');
  assert.equal(runCli(['init', wsDir]).code, 0);
  const ing = runCli(['ingest', wsDir, laion]);
  assert.equal(ing.code, 0, ing.stderr);
  const el = runCli(['wordnet', 'eligible']);
  assert.equal(el.code, 0, el.stderr);
  eligibleFile = join(dir.path, 'eligible.txt');
  writeFileSync(eligibleFile, el.stdout);
});
after(() => dir.cleanup());

test('wordnet eligible / show', () => {
  const wnids = readFileSync(eligibleFile, 'utf8').trim().split('\n');
  assert.ok(wnids.length > 75000 && wnids.length < 81115, `${wnids.length} eligible`);
  assert.ok(wnids.includes('n02084071'), 'dog is eligible');
  assert.ok(!wnids.includes('n01440764'), 'tench (ImageNet-1k) is not');
  const csv = runCli(['wordnet', 'eligible', '--format', 'csv', '--exclude-lexname', 'noun.person']);
  assert.equal(csv.code, 0);
  const rows = csv.stdout.trim().split('\n');
  assert.equal(rows[0], 'wnid,name,lemmas,definition,lexname,depth');
  assert.ok(rows.length - 1 < wnids.length && !rows.some((r) => r.includes(',noun.person,')));
  const show = runCli(['wordnet', 'show', 'n02084071', '--json']);
  const info = JSON.parse(show.stdout);
  assert.equal(info.name, 'dog');
  assert.deepEqual(info.lemmas, ['dog', 'domestic dog', 'Canis familiaris']);
  assert.equal(info.hypernymPath[0].name, 'entity');
  assert.equal(runCli(['wordnet', 'show', 'n99999999']).code, 2);
});

test('per-file command and workspace job: identical candidates (ImageNet-1k set, then eligible set)', () => {
  const file1k = perFile(imagenetWnids, 'inet.csv');
  assert.match(file1k.stdout, /captions:\s+10000/);
  assert.match(file1k.stdout, /lemmas used:\s+\d+/);
  assert.match(file1k.stdout, /synsets without lemmas:\s+\d+/);
  assert.match(file1k.stdout, /captions\/s:\s+\d+/);
  assert.ok(file1k.lines.length > 100, `${file1k.lines.length} matching captions`);
  const job1k = runCli(['match', wsDir, '--synsets', imagenetWnids]);
  assert.equal(job1k.code, 0, job1k.stderr);
  assert.deepEqual(workspaceLines(), file1k.lines);

  const fileEl = perFile(eligibleFile, 'eligible.csv');
  const jobEl = runCli(['match', wsDir, '--json']); // default: the workspace's eligible synsets
  assert.equal(jobEl.code, 0, jobEl.stderr);
  assert.deepEqual(workspaceLines(), fileEl.lines);
  const status = JSON.parse(runCli(['status', wsDir, '--json']).stdout);
  assert.equal(status.matched, fileEl.lines.filter((l) => l.endsWith(',matched')).length);
  assert.equal(status.ambiguous, fileEl.lines.filter((l) => l.endsWith(',ambiguous')).length);
  // Ambiguous lines list every wnid, sorted.
  for (const l of fileEl.lines.filter((x) => x.endsWith(',ambiguous')).slice(0, 50)) {
    const wnids = l.split(',')[1].split('|');
    assert.ok(wnids.length > 1 && wnids.join('|') === [...wnids].sort().join('|'), l);
  }
});

test('SIGKILL mid-job, then `jobs resume`: same matches as the per-file command', async () => {
  const file = perFile(imagenetWnids, 'inet-ci.csv', ['--ignore-case']);
  const running = (db: Db) => {
    const job = listJobs(db)[0];
    // The first batch's progress is written at once; after that only every 200 ms, and on a quiet machine the
    // whole job takes about that long: kill at the first sign of progress.
    return job && job.kind === 'match' && job.state === 'running' && job.done >= 1;
  };
  await runCliUntil(wsDir, ['match', wsDir, '--synsets', imagenetWnids, '--ignore-case', '--batch', '5'], running, {
    timeoutMs: 120000,
    pollMs: 2,
  });
  const ws = openWorkspace(wsDir);
  const killed = listJobs(ws.db)[0];
  ws.close();
  assert.equal(killed.state, 'interrupted');
  assert.ok(killed.done < 10000, `killed midway (${killed.done})`);
  const resumed = runCli(['jobs', 'resume', wsDir, String(killed.id)]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(workspaceLines(), file.lines);
});

test('per-file: other formats, bad rows reported with exit 1, missing column, bad wnid file', () => {
  const csv = join(dir.path, 'caps.csv');
  writeFileSync(csv, 'URL,TEXT\nu0,a hot dog\nu1,too,many,fields\nu2,"a ""dog"", again"\nu3,I paid\n');
  const wn = join(dir.path, 'w.txt');
  writeFileSync(wn, 'n02084071 dog\nn07697537 hotdog\nn99999999 unknown\n');
  const out = join(dir.path, 'caps.out.csv');
  const r = runCli(['match', '--captions', csv, '--synsets', wn, '--out', out]);
  assert.equal(r.code, 1, 'a bad row and an unknown wnid are rejected inputs');
  assert.match(r.stderr, /row 1 \(line 3\) has 4 fields, expected 2/);
  assert.match(r.stdout, /1 unknown wnids ignored: n99999999/);
  assert.deepEqual(csvLines(out), ['0,n02084071|n07697537,dog|hot dog,ambiguous', '2,n02084071,dog,matched']);
  const jsonl = join(dir.path, 'caps.jsonl.gz');
  writeFileSync(jsonl, gzipSync('{"caption":"a hot dog"}\n{"caption":null}\n{"caption":"Dog."}\n'));
  const j = runCli(['match', '--captions', jsonl, '--column', 'caption', '--synsets', wn, '--out', out, '--ignore-case', '--json']);
  assert.equal(JSON.parse(j.stdout).captions, 3);
  assert.deepEqual(csvLines(out), ['0,n02084071|n07697537,dog|hot dog,ambiguous', '2,n02084071,dog,matched']);
  const missing = runCli(['match', '--captions', laion, '--column', 'caption', '--synsets', wn, '--out', out]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /caption column 'caption' missing \(columns: URL, TEXT\)/);
  writeFileSync(wn, 'dog\n');
  assert.match(runCli(['match', '--captions', csv, '--synsets', wn, '--out', out]).stderr, /line 1: 'dog' is not a wnid/);
  assert.equal(runCli(['match', '--captions', csv, '--synsets', wn]).code, 2, '--out is required');
});

test('synsets API: search, show, setManual persists and changes eligibility', async () => {
  const ws = openWorkspace(wsDir);
  try {
    const handlers = createHandlers({ ws, runner: new JobRunner(ws) });
    const found = (await dispatch(handlers, 'synsets.search', { query: 'domestic dog' })) as { wnid: string; candidates: number; eligible: boolean }[];
    assert.equal(found[0].wnid, 'n02084071');
    // The last run matched the ImageNet-1k set: an empty query lists by candidates.
    const top = (await dispatch(handlers, 'synsets.search', { query: '', limit: 3 })) as { candidates: number; inImagenet1k: boolean }[];
    assert.ok(top.length === 3 && top[0].candidates >= top[1].candidates && top[1].candidates >= top[2].candidates && top[2].candidates > 0, JSON.stringify(top));
    assert.ok(top.every((s) => s.inImagenet1k));
    const eligibleOnly = (await dispatch(handlers, 'synsets.search', { query: 'dog', limit: 20, eligibleOnly: true })) as { eligible: boolean }[];
    assert.ok(eligibleOnly.length > 5 && eligibleOnly.every((s) => s.eligible));
    const dog = (await dispatch(handlers, 'synsets.show', { wnid: 'n02084071' })) as { hypernymPath: { name: string }[]; examples: string[]; inImagenet1k: boolean };
    assert.deepEqual(dog.examples, ['the dog barked all night']);
    assert.equal(dog.hypernymPath.at(-1)!.name, 'dog');
    const ex = (await dispatch(handlers, 'synsets.setManual', { wnid: 'n02084071', manual: 'exclude' })) as { eligible: boolean; reason: string; manual: string };
    assert.deepEqual([ex.eligible, ex.reason, ex.manual], [false, 'manual exclude', 'exclude']);
    const cleared = (await dispatch(handlers, 'synsets.setManual', { wnid: 'n02084071', manual: null })) as { eligible: boolean; manual: null };
    assert.deepEqual([cleared.eligible, cleared.manual], [true, null]);
    const tench = (await dispatch(handlers, 'synsets.setManual', { wnid: 'n01440764', manual: 'include' })) as { eligible: boolean };
    assert.equal(tench.eligible, false, 'ImageNet-1k stays excluded');
    await assert.rejects(dispatch(handlers, 'synsets.show', { wnid: 'n99999999' }), /unknown synset/);
    await assert.rejects(dispatch(handlers, 'synsets.show', { wnid: 'dog' }), /invalid request/);
  } finally {
    ws.close();
  }
  const manual = runCli(['wordnet', 'manual', wsDir, 'n02084071', 'exclude', '--json']);
  assert.equal(JSON.parse(manual.stdout).eligible, false);
  // Workspace rules: persisted, recomputed, manual decisions still applied on top.
  const rules = runCli(['wordnet', 'rules', wsDir, '--exclude-lexname', 'noun.person', '--json']);
  const r = JSON.parse(rules.stdout);
  assert.deepEqual(r.rules.excludeLexnames, ['noun.person']);
  const all = readFileSync(eligibleFile, 'utf8').trim().split('\n').length;
  assert.ok(r.eligible < all - 5000, `${r.eligible} eligible without noun.person (default ${all})`);
  const ws2 = openWorkspace(wsDir);
  try {
    const handlers = createHandlers({ ws: ws2, runner: new JobRunner(ws2) });
    const dog = (await dispatch(handlers, 'synsets.show', { wnid: 'n02084071' })) as { eligible: boolean; reason: string };
    assert.deepEqual([dog.eligible, dog.reason], [false, 'manual exclude']);
    const person = (await dispatch(handlers, 'synsets.search', { query: 'physicist', limit: 1 })) as { lexname: string; eligible: boolean; reason: string }[];
    assert.deepEqual([person[0].lexname, person[0].eligible, person[0].reason], ['noun.person', false, 'lexname noun.person excluded']);
  } finally {
    ws2.close();
  }
});
