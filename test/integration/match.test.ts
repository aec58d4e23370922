// Matching end to end: the stateless per-file command and the workspace job give identical candidates (real LAION
// sample, ImageNet-1k and eligible synset sets, with the lemma rule and without it), kill-and-resume of the job, bad
// inputs, the wordnet commands, the synsets API with lemma overrides, the re-match preview, and Curation never
// listing a class the last run no longer has.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openWorkspace, type Db } from '../../native-workers/store/workspace.ts';
import { listJobs } from '../../native-workers/store/jobs.ts';
import { matchesWithRows } from '../../native-workers/store/synsets.ts';
import { inputsVersion } from '../../native-workers/store/threshold-index.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { loadWorker } from '../../native-workers/workers/registry.ts';
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
    return matchesWithRows(ws.db).map(
      (m) => `${m.row},${m.wnids},${m.lemmas.includes(',') ? JSON.stringify(m.lemmas) : m.lemmas},${m.status}`,
    );
  } finally {
    ws.close();
  }
}

/** The version of the inputs the stored curation index of the workspace encoder was built from. */
function storedIndexVersion(db: Db): string | undefined {
  return db.prepare(`SELECT version FROM threshold_indexes WHERE encoder = 'glove'`).pluck().get() as
    | string
    | undefined;
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
  assert.ok(wnids.length > 70000 && wnids.length < 81115, `${wnids.length} eligible`);
  assert.ok(wnids.includes('n02084071'), 'dog is eligible');
  assert.ok(!wnids.includes('n01440764'), 'tench (ImageNet-1k) is not');
  const csv = runCli(['wordnet', 'eligible', '--format', 'csv', '--exclude-lexname', 'noun.person']);
  assert.equal(csv.code, 0);
  const rows = csv.stdout.trim().split('\n');
  assert.equal(rows[0], 'wnid,name,lemmas,definition,lexname,depth,kept,dropped,flagged');
  assert.ok(rows.length - 1 < wnids.length && !rows.some((r) => r.includes(',noun.person,')));
  // Kept and dropped lemmas with reasons: inch drops its lemma 'in' and keeps 'inch', its dominant sense (column inch
  // loses it); dog keeps 'dog', which its minor senses (frump, cad, frank, ...) lose.
  const inch = rows.find((r) => r.startsWith('n13649791,'))!;
  assert.equal(
    inch,
    "n13649791,inch,inch|in,a unit of length equal to one twelfth of a foot,noun.quantity,6,inch,in: function word 'in' (preposition or particle),",
  );
  assert.match(rows.find((r) => r.startsWith('n02084071,'))!, /,noun\.animal,8,dog\|domestic dog\|Canis familiaris,,$/);
  assert.match(rows.find((r) => r.startsWith('n03901548,'))!, /dog: 'dog' goes to its dominant sense n02084071/);
  const kitchen = rows.find((r) => r.startsWith('n03619890,'))!;
  assert.match(kitchen, /,kitchen,,$/);
  const watch = rows.find((r) => r.startsWith('n04555897,'))!;
  assert.match(
    watch,
    /"watch: used more as a verb than as a noun: tagged 176 times as a verb, adjective or adverb, 17 as a noun\|ticker: shared with/,
  );
  const photograph = rows.find((r) => r.startsWith('n03925226,'))!;
  assert.match(
    photograph,
    /,photograph\|photo,exposure: shared with 9 other eligible synsets\|.*,"photograph: often not a noun: tagged 17 times as a noun, 10 as a verb, adjective or adverb"$/,
  );
  const none = runCli(['wordnet', 'eligible', '--format', 'csv', '--lemma-rule', 'none']);
  assert.match(
    none.stdout.split('\n').find((r) => r.startsWith('n13649791,'))!,
    /,in,inch: shared with 1 other eligible synsets,$/,
  );
  assert.equal(runCli(['wordnet', 'eligible', '--lemma-rule', 'some']).code, 2);
  const show = runCli(['wordnet', 'show', 'n02084071', '--json']);
  const info = JSON.parse(show.stdout);
  assert.equal(info.name, 'dog');
  assert.deepEqual(info.lemmas, ['dog', 'domestic dog', 'Canis familiaris']);
  assert.deepEqual(
    info.lemmaRule.map((l: { drop: string | null }) => l.drop),
    [null, null, null],
  );
  const letter = runCli(['wordnet', 'show', 'n06831177']);
  assert.match(letter.stdout, /dropped a: one character: matches letters, initials, digits and symbols/);
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

  // An explicit file of the eligible wnids: exact LAIONet (no lemma rule), and the workspace with --lemma-rule none.
  const fileEl = perFile(eligibleFile, 'eligible.csv');
  assert.match(fileEl.stdout, /lemma rule:\s+none \(exact LAIONet lemmas\)/);
  const jobNone = runCli(['match', wsDir, '--lemma-rule', 'none']);
  assert.equal(jobNone.code, 0, jobNone.stderr);
  assert.match(jobNone.stdout, /lemma rule: none/);
  assert.deepEqual(workspaceLines(), fileEl.lines);
  const statusNone = JSON.parse(runCli(['status', wsDir, '--json']).stdout);
  assert.deepEqual([statusNone.lemma_rule, statusNone.lemmas_dropped_by_rule], ['none', 0]);
  assert.equal(perFile(eligibleFile, 'eligible-none.csv', ['--lemma-rule', 'none']).lines.length, fileEl.lines.length);

  // The default set, stateless (`--synsets eligible`, the rule on by default) and the workspace job's default: the same.
  const ruled = perFile('eligible', 'eligible-rule.csv');
  assert.match(ruled.stdout, /lemma rule:\s+default: \d+ lemmas dropped \(other-pos \d+, /);
  const jobEl = runCli(['match', wsDir, '--json']); // default: the workspace's eligible synsets, the rule on
  assert.equal(jobEl.code, 0, jobEl.stderr);
  assert.deepEqual(workspaceLines(), ruled.lines);
  const result = JSON.parse(jobEl.stdout).result;
  assert.equal(result.lemmaRule, 'default');
  assert.ok(result.lemmasDroppedByRule > 5000, `${result.lemmasDroppedByRule} lemmas dropped`);
  assert.ok(result.lemmasDroppedByReason['function-word'] > 50 && result.lemmasDroppedByReason['one-character'] > 100);
  const status = JSON.parse(runCli(['status', wsDir, '--json']).stdout);
  assert.equal(status.matched, ruled.lines.filter((l) => l.endsWith(',matched')).length);
  assert.equal(status.ambiguous, ruled.lines.filter((l) => l.endsWith(',ambiguous')).length);
  assert.deepEqual([status.lemma_rule, status.lemmas_dropped_by_rule], ['default', result.lemmasDroppedByRule]);

  // What the rule changes on these 10,000 real captions: no function word, letter or numeral is a class any more,
  // and far fewer captions are ambiguous.
  const count = (lines: string[], status: string) => lines.filter((l) => l.endsWith(`,${status}`)).length;
  assert.ok(
    count(ruled.lines, 'ambiguous') < 0.6 * count(fileEl.lines, 'ambiguous'),
    `ambiguous ${count(fileEl.lines, 'ambiguous')} -> ${count(ruled.lines, 'ambiguous')}`,
  );
  const lemmasOf = (lines: string[]) => new Set(lines.flatMap((l) => l.split(',')[2].split('|')));
  for (const bad of ['a', 'in', 'at', 'In', 'At', 'are', 'XL', '2']) {
    assert.ok(lemmasOf(fileEl.lines).has(bad), `without the rule '${bad}' matches`);
    assert.ok(!lemmasOf(ruled.lines).has(bad), `with the rule '${bad}' does not`);
  }
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
  const j = runCli([
    'match',
    '--captions',
    jsonl,
    '--column',
    'caption',
    '--synsets',
    wn,
    '--out',
    out,
    '--ignore-case',
    '--json',
  ]);
  assert.equal(JSON.parse(j.stdout).captions, 3);
  assert.deepEqual(csvLines(out), ['0,n02084071|n07697537,dog|hot dog,ambiguous', '2,n02084071,dog,matched']);
  const missing = runCli(['match', '--captions', laion, '--column', 'caption', '--synsets', wn, '--out', out]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /caption column 'caption' missing \(columns: URL, TEXT\)/);
  // A file keeps exact LAIONet unless told: --lemma-rule default on a file of inch alone drops its lemma 'in'.
  writeFileSync(wn, 'n13649791 inch\n');
  writeFileSync(csv, 'URL,TEXT\nu0,made in Italy\nu1,a 12 inch ruler\n');
  assert.equal(runCli(['match', '--captions', csv, '--synsets', wn, '--out', out]).code, 0);
  assert.deepEqual(csvLines(out), ['0,n13649791,in,matched', '1,n13649791,inch,matched']);
  assert.equal(runCli(['match', '--captions', csv, '--synsets', wn, '--out', out, '--lemma-rule', 'default']).code, 0);
  assert.deepEqual(csvLines(out), ['1,n13649791,inch,matched']);
  assert.equal(runCli(['match', '--captions', csv, '--synsets', wn, '--out', out, '--lemma-rule', 'some']).code, 2);
  writeFileSync(wn, 'dog\n');
  assert.match(
    runCli(['match', '--captions', csv, '--synsets', wn, '--out', out]).stderr,
    /line 1: 'dog' is not a wnid/,
  );
  assert.equal(runCli(['match', '--captions', csv, '--synsets', wn]).code, 2, '--out is required');
});

test('synsets API: search, show, setManual persists and changes eligibility', async () => {
  const ws = openWorkspace(wsDir);
  try {
    const handlers = createHandlers({ ws, runner: new JobRunner(ws, { workers: loadWorker }) });
    const found = (await dispatch(handlers, 'synsets.search', { query: 'domestic dog' })) as {
      wnid: string;
      candidates: number;
      eligible: boolean;
    }[];
    assert.equal(found[0].wnid, 'n02084071');
    // The last run matched the ImageNet-1k set: an empty query lists by candidates.
    const top = (await dispatch(handlers, 'synsets.search', { query: '', limit: 3 })) as {
      candidates: number;
      inImagenet1k: boolean;
    }[];
    assert.ok(
      top.length === 3 &&
        top[0].candidates >= top[1].candidates &&
        top[1].candidates >= top[2].candidates &&
        top[2].candidates > 0,
      JSON.stringify(top),
    );
    assert.ok(top.every((s) => s.inImagenet1k));
    const eligibleOnly = (await dispatch(handlers, 'synsets.search', {
      query: 'dog',
      limit: 20,
      eligibleOnly: true,
    })) as { eligible: boolean }[];
    assert.ok(eligibleOnly.length > 5 && eligibleOnly.every((s) => s.eligible));
    const dog = (await dispatch(handlers, 'synsets.show', { wnid: 'n02084071' })) as {
      hypernymPath: { name: string }[];
      examples: string[];
      inImagenet1k: boolean;
    };
    assert.deepEqual(dog.examples, ['the dog barked all night']);
    assert.equal(dog.hypernymPath.at(-1)!.name, 'dog');
    const ex = (await dispatch(handlers, 'synsets.setManual', { wnid: 'n02084071', manual: 'exclude' })) as {
      eligible: boolean;
      reason: string;
      manual: string;
    };
    assert.deepEqual([ex.eligible, ex.reason, ex.manual], [false, 'manual exclude', 'exclude']);
    const cleared = (await dispatch(handlers, 'synsets.setManual', { wnid: 'n02084071', manual: null })) as {
      eligible: boolean;
      manual: null;
    };
    assert.deepEqual([cleared.eligible, cleared.manual], [true, null]);
    const tench = (await dispatch(handlers, 'synsets.setManual', { wnid: 'n01440764', manual: 'include' })) as {
      eligible: boolean;
    };
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
    const handlers = createHandlers({ ws: ws2, runner: new JobRunner(ws2, { workers: loadWorker }) });
    const dog = (await dispatch(handlers, 'synsets.show', { wnid: 'n02084071' })) as {
      eligible: boolean;
      reason: string;
    };
    assert.deepEqual([dog.eligible, dog.reason], [false, 'manual exclude']);
    const person = (await dispatch(handlers, 'synsets.search', { query: 'physicist', limit: 1 })) as {
      lexname: string;
      eligible: boolean;
      reason: string;
    }[];
    assert.deepEqual(
      [person[0].lexname, person[0].eligible, person[0].reason],
      ['noun.person', false, 'lexname noun.person excluded'],
    );
  } finally {
    ws2.close();
  }
});

test('lemma rule in the API: states per lemma, restore/drop per workspace, the review list', async () => {
  assert.equal(runCli(['wordnet', 'rules', wsDir]).code, 0, 'default eligibility rules again');
  assert.equal(runCli(['wordnet', 'manual', wsDir, 'n02084071', 'clear']).code, 0);
  const ws = openWorkspace(wsDir);
  try {
    const handlers = createHandlers({ ws, runner: new JobRunner(ws, { workers: loadWorker }) });
    type State = {
      lemma: string;
      status: string;
      code: string | null;
      ruleDrop: string | null;
      override: string | null;
      reason: string | null;
    };
    const inch = (await dispatch(handlers, 'synsets.show', { wnid: 'n13649791' })) as { lemmaStates: State[] };
    assert.deepEqual(
      inch.lemmaStates.map((l) => [l.lemma, l.status, l.code, l.ruleDrop, l.override]),
      [
        ['inch', 'kept', null, null, null],
        ['in', 'dropped', 'function-word', 'function-word', null],
      ],
    );
    const restored = (await dispatch(handlers, 'synsets.setLemma', {
      wnid: 'n13649791',
      lemma: 'in',
      decision: 'keep',
    })) as { lemmaStates: State[] };
    assert.deepEqual(
      restored.lemmaStates.map((l) => [l.lemma, l.status, l.ruleDrop, l.override]),
      [
        ['inch', 'kept', null, null],
        ['in', 'kept', 'function-word', 'keep'],
      ],
    );
    const sky = (await dispatch(handlers, 'synsets.search', { query: 'kitchen', limit: 5, eligibleOnly: true })) as {
      wnid: string;
      lemmaStates: State[];
    }[];
    const kitchen = sky.find((s) => s.wnid === 'n03619890')!;
    assert.deepEqual(
      kitchen.lemmaStates.map((l) => l.status),
      ['kept'],
    );
    const dropKitchen = (await dispatch(handlers, 'synsets.setLemma', {
      wnid: 'n03619890',
      lemma: 'kitchen',
      decision: 'drop',
    })) as { lemmaStates: State[] };
    assert.deepEqual(
      dropKitchen.lemmaStates.map((l) => [l.status, l.code, l.reason]),
      [['dropped', 'manual', 'dropped by hand in this workspace']],
    );
    type Review = {
      total: number;
      counts: {
        totals: Record<'flagged' | 'dropped' | 'overridden', number>;
        dropped: Record<string, number>;
        flagged: Record<string, number>;
      };
      items: (State & { wnid: string })[];
    };
    const overridden = (await dispatch(handlers, 'synsets.lemmaReview', { kind: 'overridden' })) as Review;
    assert.deepEqual(overridden.items.map((i) => [i.wnid, i.lemma, i.override]).sort(), [
      ['n03619890', 'kitchen', 'drop'],
      ['n13649791', 'in', 'keep'],
    ]);
    assert.equal(overridden.counts.totals.overridden, 2);
    const dropped = (await dispatch(handlers, 'synsets.lemmaReview', { kind: 'dropped', limit: 20 })) as Review;
    assert.ok(
      dropped.total > 5000 && dropped.counts.dropped['function-word'] > 50 && dropped.counts.dropped.manual === 1,
      JSON.stringify(dropped.counts),
    );
    assert.equal(dropped.counts.totals.dropped, dropped.total);
    assert.ok(dropped.items.every((i) => i.status === 'dropped' && i.reason));
    const flagged = (await dispatch(handlers, 'synsets.lemmaReview', { kind: 'flagged', limit: 20 })) as Review;
    assert.ok(flagged.total > 1000 && flagged.items.every((i) => i.status === 'kept' && i.ruleDrop === null));
    assert.equal(flagged.counts.totals.flagged, flagged.total);
    await assert.rejects(
      dispatch(handlers, 'synsets.setLemma', { wnid: 'n13649791', lemma: 'foot', decision: 'keep' }),
      /'foot' is not a lemma of n13649791/,
    );
    // Persisted: another process (a matching run) sees them; cleared again.
    const preview = JSON.parse(runCli(['match', wsDir, '--preview', '--json']).stdout).result;
    assert.equal(preview.lemmasDroppedByReason.manual, 1);
    assert.ok(
      preview.classes.some((c: { wnid: string; after: number }) => c.wnid === 'n13649791' && c.after > 50),
      'inch gains the captions with "in"',
    );
    for (const [wnid, lemma] of [
      ['n13649791', 'in'],
      ['n03619890', 'kitchen'],
    ])
      await dispatch(handlers, 'synsets.setLemma', { wnid, lemma, decision: null });
    assert.equal(((await dispatch(handlers, 'synsets.lemmaReview', { kind: 'overridden' })) as Review).total, 0);
  } finally {
    ws.close();
  }
});

test('re-match: the preview writes nothing and says what changes; the run replaces the candidates and Curation lists no stale class', async () => {
  const laionet = runCli(['match', wsDir, '--lemma-rule', 'none']);
  assert.equal(laionet.code, 0, laionet.stderr);
  const filter = runCli(['filter', wsDir]); // the offline glove encoder
  assert.equal(filter.code, 0, filter.stderr);
  const ws = openWorkspace(wsDir);
  try {
    assert.equal(storedIndexVersion(ws.db), inputsVersion(ws.db), 'the filter job stored a current threshold index');
    const handlers = createHandlers({ ws, runner: new JobRunner(ws, { workers: loadWorker }) });
    type ClassCount = { wnid: string; candidates: number; kept: number };
    const classesOf = async () =>
      ((await dispatch(handlers, 'curation.classes', { threshold: -1 })) as { classes: ClassCount[] }).classes;
    const classesBefore = await classesOf();
    assert.ok(
      classesBefore.some((c) => c.wnid === 'n06831177'),
      'without the rule the letter A is a class',
    );
    const linesBefore = workspaceLines();

    const previewJob = JSON.parse(runCli(['match', wsDir, '--preview', '--json']).stdout);
    assert.equal(previewJob.state, 'succeeded');
    assert.deepEqual(workspaceLines(), linesBefore, 'a preview writes nothing');
    const preview = (await dispatch(handlers, 'match.preview', { jobId: previewJob.id })) as {
      before: { matched: number; ambiguous: number; classes: number };
      after: { matched: number; ambiguous: number; classes: number };
      gained: number;
      lost: number;
      classes: { wnid: string; before: number; after: number }[];
    };
    assert.equal(preview.before.matched, linesBefore.filter((l) => l.endsWith(',matched')).length);
    assert.equal(preview.before.ambiguous, linesBefore.filter((l) => l.endsWith(',ambiguous')).length);
    const ruled = perFile('eligible', 'eligible-rule-2.csv');
    assert.equal(preview.after.matched, ruled.lines.filter((l) => l.endsWith(',matched')).length);
    assert.equal(preview.after.ambiguous, ruled.lines.filter((l) => l.endsWith(',ambiguous')).length);
    assert.ok(preview.lost > 10 && preview.gained > 10, `gained ${preview.gained}, lost ${preview.lost}`);
    const letterA = preview.classes.find((c) => c.wnid === 'n06831177')!;
    assert.ok(letterA.before > 0 && letterA.after === 0, JSON.stringify(letterA));
    const aRun = listJobs(ws.db).find((j) => j.kind === 'match' && !(j.params as { preview?: boolean }).preview)!;
    await assert.rejects(dispatch(handlers, 'match.preview', { jobId: aRun.id }), /not a preview/);

    const versionBefore = storedIndexVersion(ws.db);
    const run = runCli(['match', wsDir]);
    assert.equal(run.code, 0, run.stderr);
    // The stored index was built from the old matches: the new ones make it stale, and the match job stores a
    // current one, so the app's next query loads it instead of rebuilding it while the user waits.
    assert.notEqual(inputsVersion(ws.db), versionBefore, 'new matches change the index inputs');
    assert.equal(storedIndexVersion(ws.db), inputsVersion(ws.db), 'the match job stored a current threshold index');
    // The same API process (its class index was built before the run) now lists only current classes, each with
    // its current candidates.
    const current = new Map<string, number>();
    for (const l of workspaceLines())
      if (l.endsWith(',matched')) current.set(l.split(',')[1], (current.get(l.split(',')[1]) ?? 0) + 1);
    const classesAfter = await classesOf();
    assert.ok(!classesAfter.some((c) => c.wnid === 'n06831177'), 'the letter A is gone');
    for (const c of classesAfter) assert.equal(c.candidates, current.get(c.wnid), `class ${c.wnid}`);
    const stale = ws.db
      .prepare(
        `SELECT COUNT(*) n FROM text_similarities t WHERE NOT EXISTS (SELECT 1 FROM matches m WHERE m.sample_id = t.sample_id AND m.status = 'matched' AND m.wnids = t.wnid)`,
      )
      .get() as { n: number };
    assert.equal(stale.n, 0, 'no similarity of a sample that is no longer a candidate of its class');
    const items = (await dispatch(handlers, 'curation.items', { wnid: 'n06831177', offset: 0, limit: 10 })) as {
      total: number;
    };
    assert.equal(items.total, 0);
  } finally {
    ws.close();
  }
});
