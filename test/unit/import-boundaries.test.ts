// The rooms import only what .dependency-cruiser.cjs allows (its rule table, run here over every source file), and
// each room's README states that same "May import:" line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cruise } from 'dependency-cruiser';
import { repoRoot } from '../helpers/workspace.ts';

const CONFIG = join(repoRoot, '.dependency-cruiser.cjs');
const ruleSet = createRequire(import.meta.url)(CONFIG) as {
  rooms: Record<string, { may: string[]; readme: string }>;
} & Record<string, unknown>;

/** The line a room's README must carry. */
function mayImportLine(may: string[]): string {
  return `May import: ${may.length ? may.map((p) => `\`${p}\``).join(', ') : 'nothing outside itself'} (.dependency-cruiser.cjs).`;
}

test('every room imports only what .dependency-cruiser.cjs allows', async () => {
  const cwd = process.cwd();
  process.chdir(repoRoot);
  try {
    const { forbidden, options } = ruleSet as unknown as { forbidden: unknown[]; options: Record<string, unknown> };
    const result = await cruise(['native-workers', 'renderer', 'electron'], {
      ...options,
      validate: true,
      ruleSet: { forbidden },
    } as never);
    const output = result.output as {
      summary: { violations: { from: string; to: string; rule: { name: string } }[]; totalCruised: number };
    };
    const violations = output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    assert.deepEqual(violations, []);
    assert.ok(output.summary.totalCruised > 200, `only ${output.summary.totalCruised} modules were cruised`);
  } finally {
    process.chdir(cwd);
  }
});

test("each room's README states the rooms it may import, as the rules do", () => {
  const wrong: string[] = [];
  for (const [room, { may, readme }] of Object.entries(ruleSet.rooms)) {
    const line = mayImportLine(may);
    if (!readFileSync(join(repoRoot, readme), 'utf8').replace(/\s+/g, ' ').includes(line))
      wrong.push(`${readme} (${room}) lacks: ${line}`);
  }
  assert.deepEqual(wrong, []);
});
