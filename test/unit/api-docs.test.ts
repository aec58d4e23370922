// docs/api.md is generated from the contract: this fails when a channel, its doc line or a schema changed and the
// reference was not regenerated (`npm run docs:api`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_DOCS_PATH, renderApiDocs } from '../../scripts/api-docs.ts';
import { channels, events } from '../../native-workers/api/contract.ts';

test('docs/api.md is the reference the contract generates (run `npm run docs:api` after changing the contract)', () => {
  assert.equal(readFileSync(API_DOCS_PATH, 'utf8'), renderApiDocs());
});

test('the reference names every channel with its doc line, and every event', () => {
  const text = renderApiDocs();
  for (const [name, def] of Object.entries(channels)) {
    assert.ok(def.doc.trim().length > 0, `${name} has a doc line`);
    assert.ok(text.includes(`### \`${name}\`\n\n${def.doc}\n`), name);
  }
  for (const name of Object.keys(events)) assert.ok(text.includes(`### \`${name}\`\n`), name);
});
