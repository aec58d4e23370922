-- Lemma-quality rule (core/wordnet/lemma-rule.ts): a workspace's decisions on single lemmas of single synsets, over
-- the rule's verdict. 'keep' restores a lemma the rule drops, 'drop' removes one it keeps; they apply when matching
-- runs with the rule (the default for the eligible set). lemma is the matched form ('_' -> ' ', case kept).
CREATE TABLE lemma_overrides (
  wnid TEXT NOT NULL,
  lemma TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('keep', 'drop')),
  decided_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (wnid, lemma)
);
