-- Curation at scale and its history.
-- threshold_indexes: the per-class sorted similarity index of store/threshold-index.ts, persisted per encoder with
-- the inputs version it was built from, so a fresh server answers the first slider move by loading it (no rebuild).
CREATE TABLE threshold_indexes (
  encoder      TEXT PRIMARY KEY,
  version      TEXT NOT NULL,
  built_at     TEXT NOT NULL,
  build_ms     REAL NOT NULL,
  wnids        TEXT NOT NULL,   -- JSON array: the class order of every column below
  names        TEXT NOT NULL,   -- JSON array: each class's synset name
  stats        BLOB NOT NULL,   -- Int32 x 4 per class: candidates, without an image, flagged, eligible without a similarity
  sizes        BLOB NOT NULL,   -- Int32 per class: eligible candidates with a similarity
  similarities BLOB NOT NULL    -- Float64: each class's eligible similarities ascending, classes in order
);

-- Every manual decision as it was made (decisions holds only the current one): the expanded view's history and undo
-- of one key press or one bulk action (a batch). decision NULL = cleared; previous = the decision it replaced.
CREATE TABLE decision_log (
  id         INTEGER PRIMARY KEY,
  batch      INTEGER NOT NULL,
  sample_id  INTEGER NOT NULL,
  wnid       TEXT NOT NULL,
  decision   TEXT CHECK (decision IN ('accept', 'reject')),
  previous   TEXT CHECK (previous IN ('accept', 'reject')),
  decided_at TEXT NOT NULL
);
CREATE INDEX decision_log_sample ON decision_log(sample_id, wnid, id);
CREATE INDEX decision_log_batch ON decision_log(batch);
-- A class's decisions (the grid's filters read them per class).
CREATE INDEX decisions_class ON decisions(wnid, sample_id);
