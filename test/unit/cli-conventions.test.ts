// The `imagenot` help as users read it: commands grouped in pipeline order with one-line summaries (at 80 columns),
// one notation for defaults, the version from package.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../native-workers/cli/program.ts';
import { HELP_LAYOUT } from '../../native-workers/cli/commands/index.ts';
import { repoRoot, runCli } from '../helpers/workspace.ts';

function all(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(all)];
}

function help(cmd: Command): string {
  cmd.configureOutput({ getOutHelpWidth: () => 80 });
  return cmd.helpInformation();
}

test('`imagenot --help` lists every command once, in the pipeline-order groups, one line each', () => {
  const program = buildProgram();
  const text = help(program);
  const groups = HELP_LAYOUT.map(([g]) => g);
  const positions = groups.map((g) => text.indexOf(`\n${g}\n`));
  assert.ok(
    positions.every((p) => p > 0),
    `every group is shown: ${groups.join(' ')}`,
  );
  assert.deepEqual(
    [...positions].sort((a, b) => a - b),
    positions,
    'groups in pipeline order',
  );
  const listed = HELP_LAYOUT.flatMap(([, commands]) => Object.keys(commands));
  assert.deepEqual(
    program.commands
      .map((c) => c.name())
      .filter((n) => n !== 'help')
      .sort(),
    [...listed].sort(),
  );
  assert.ok(
    text.indexOf('\n  init <ws>') < text.indexOf('\n  ingest <ws>') &&
      text.indexOf('\n  export <ws>') < text.indexOf('\n  train <target>'),
  );
});

test('every command list fits one line per command at 80 columns', () => {
  for (const cmd of all(buildProgram()).filter((c) => c.commands.length)) {
    const text = help(cmd);
    const lists = text
      .split(/\n(?=\S)/)
      .filter((section) => !/^(Usage|Options|Global Options|Arguments):/.test(section) && section.includes('\n  '));
    for (const section of lists.slice(1)) {
      const wrapped = section
        .split('\n')
        .slice(1)
        .filter((l) => /^ {4,}\S/.test(l));
      assert.deepEqual(wrapped, [], `${cmd.name()} help, ${section.split('\n')[0]} wraps:\n${section}`);
    }
  }
});

test('defaults are written one way: commander\'s "(default: ...)", never also by hand', () => {
  const bad: string[] = [];
  for (const cmd of all(buildProgram())) {
    const items = [
      ...cmd.options.map((o) => ({
        name: o.flags,
        text: o.description ?? '',
        hasDefault: o.defaultValue !== undefined,
      })),
      ...cmd.registeredArguments.map((a) => ({
        name: a.name(),
        text: a.description ?? '',
        hasDefault: a.defaultValue !== undefined,
      })),
    ];
    for (const item of items) {
      if (!/\bdefault/i.test(item.text)) continue;
      if (item.hasDefault) bad.push(`${cmd.name()} ${item.name}: a default value and a default in its text`);
      else if (!/\(default: [^)]+\)$/.test(item.text))
        bad.push(`${cmd.name()} ${item.name}: "${item.text}" (write "(default: ...)" at the end)`);
    }
  }
  assert.deepEqual(bad, []);
});

test('options with a fixed set of values list their choices; a wrong value is a usage error (exit 2)', () => {
  const byName = new Map(all(buildProgram()).map((c) => [`${c.parent?.name() ?? ''} ${c.name()}`.trim(), c]));
  const choices = (cmd: string, flag: string) => byName.get(cmd)!.options.find((o) => o.long === flag)!.argChoices;
  assert.deepEqual(choices('imagenot export', '--format'), ['imagefolder', 'webdataset']);
  assert.deepEqual(choices('imagenot nsfw', '--scope'), ['candidates', 'kept']);
  assert.deepEqual(choices('models add', '--kind'), ['clip', 'sentence']);
  assert.equal(choices('imagenot train', '--arch')!.length, 9);
  const r = runCli(['export', join(repoRoot, 'nowhere'), '--crop', 'circle']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /argument 'circle' is invalid\. Allowed choices are center, none/);
});

test('--version prints the version in package.json', () => {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const r = runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), version);
});
