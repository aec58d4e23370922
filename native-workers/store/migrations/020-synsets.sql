-- Synsets and matching (room A). The synsets table is the workspace's WordNet 3.0 noun catalog (filled once from the
-- WordNet index; lemmas stored '|'-joined in matched form, '_' -> ' '). These columns record the last match run:
-- whether the synset was in the chosen set, and how many samples matched it alone (candidates) or with others.
ALTER TABLE synsets ADD COLUMN chosen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE synsets ADD COLUMN candidates INTEGER NOT NULL DEFAULT 0;
ALTER TABLE synsets ADD COLUMN ambiguous INTEGER NOT NULL DEFAULT 0;
CREATE INDEX synsets_eligible ON synsets(eligible, wnid);
