-- First cut of the workspace schema (see ../../../README.md "Workspace schema" for why each table is shaped so).

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per ingested input (metadata file, tar shard, image folder). content_hash identifies it, so re-ingesting
-- the same bytes under another name adds nothing.
CREATE TABLE sources (
  id           INTEGER PRIMARY KEY,
  path         TEXT NOT NULL,
  kind         TEXT NOT NULL,
  content_hash TEXT NOT NULL UNIQUE,
  rows         INTEGER,
  state        TEXT NOT NULL DEFAULT 'ingesting' CHECK (state IN ('ingesting', 'done')),
  ingested_at  TEXT
);

-- Content-addressed images under media/. Paths are relative to the workspace.
CREATE TABLE images (
  sha256        TEXT PRIMARY KEY,
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  format        TEXT,
  bytes         INTEGER,
  stored_path   TEXT NOT NULL,
  thumb_path    TEXT NOT NULL,
  original_path TEXT
);

-- One metadata row or one image. (source_id, row) makes re-ingest and resume idempotent.
CREATE TABLE samples (
  id               INTEGER PRIMARY KEY,
  source_id        INTEGER NOT NULL REFERENCES sources(id),
  row              INTEGER NOT NULL,
  url              TEXT,
  caption          TEXT NOT NULL DEFAULT '',
  width            INTEGER,
  height           INTEGER,
  nsfw_meta        TEXT,
  laion_similarity REAL,
  punsafe          REAL,
  extra            TEXT,
  image_sha256     TEXT REFERENCES images(sha256),
  fetch_status     TEXT,
  fetch_error      TEXT,
  fetch_attempts   INTEGER NOT NULL DEFAULT 0,
  UNIQUE (source_id, row)
);
CREATE INDEX samples_image ON samples(image_sha256);
CREATE INDEX samples_fetch ON samples(fetch_status);

-- Every bad item, with a reason a person understands. Nothing is deleted because it was rejected.
CREATE TABLE rejections (
  id     INTEGER PRIMARY KEY,
  job_id INTEGER,
  source TEXT NOT NULL,
  item   TEXT NOT NULL,
  reason TEXT NOT NULL,
  at     TEXT NOT NULL,
  UNIQUE (source, item, reason)
);

CREATE TABLE synsets (
  wnid           TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  lemmas         TEXT NOT NULL,
  definition     TEXT NOT NULL,
  lexname        TEXT NOT NULL,
  depth          INTEGER NOT NULL,
  in_imagenet_1k INTEGER NOT NULL DEFAULT 0,
  eligible       INTEGER NOT NULL DEFAULT 0,
  reason         TEXT,
  manual         TEXT CHECK (manual IN ('include', 'exclude'))
);

-- One row per sample whose caption matched any lemma (the same rows as `imagenot match --out`):
-- status 'matched' -> wnids is one wnid (a candidate); 'ambiguous' -> wnids joined by '|', dropped.
CREATE TABLE matches (
  sample_id INTEGER PRIMARY KEY REFERENCES samples(id),
  wnids     TEXT NOT NULL,
  lemmas    TEXT NOT NULL,
  status    TEXT NOT NULL CHECK (status IN ('matched', 'ambiguous'))
);
CREATE INDEX matches_wnid ON matches(wnids, status);

-- Imported encoders (ONNX folders under models/) and the built-in ones (glove).
CREATE TABLE models (
  name       TEXT PRIMARY KEY,
  kind       TEXT NOT NULL,
  path       TEXT,
  files_hash TEXT,
  info       TEXT,
  added_at   TEXT NOT NULL
);

-- Caption <-> synset-text similarity per encoder; kept so a threshold change never recomputes.
CREATE TABLE text_similarities (
  sample_id  INTEGER NOT NULL REFERENCES samples(id),
  wnid       TEXT NOT NULL,
  encoder    TEXT NOT NULL,
  similarity REAL NOT NULL,
  PRIMARY KEY (sample_id, encoder)
);
CREATE INDEX text_similarities_class ON text_similarities(encoder, wnid, similarity);

-- Image <-> caption similarity per CLIP model.
CREATE TABLE image_similarities (
  sample_id  INTEGER NOT NULL REFERENCES samples(id),
  encoder    TEXT NOT NULL,
  similarity REAL NOT NULL,
  PRIMARY KEY (sample_id, encoder)
);

-- Flags (nsfw_meta, nsfw_classifier, ocr): they mark, never delete.
CREATE TABLE flags (
  sample_id INTEGER NOT NULL REFERENCES samples(id),
  kind      TEXT NOT NULL,
  flagged   INTEGER NOT NULL,
  score     REAL,
  detail    TEXT,
  PRIMARY KEY (sample_id, kind)
);

-- Manual curation decisions; they override automatic ones.
CREATE TABLE decisions (
  sample_id  INTEGER NOT NULL REFERENCES samples(id),
  wnid       TEXT NOT NULL,
  decision   TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
  decided_at TEXT NOT NULL,
  PRIMARY KEY (sample_id, wnid)
);

-- A selection: the chosen classes and the seeded train/test split, with everything needed to reproduce it.
CREATE TABLE selections (
  id         INTEGER PRIMARY KEY,
  params     TEXT NOT NULL,
  seed       INTEGER NOT NULL,
  threshold  REAL NOT NULL,
  encoder    TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE selection_classes (
  selection_id INTEGER NOT NULL REFERENCES selections(id) ON DELETE CASCADE,
  wnid         TEXT NOT NULL,
  rank         INTEGER NOT NULL,
  score        REAL,
  kept         INTEGER NOT NULL,
  PRIMARY KEY (selection_id, wnid)
);
CREATE TABLE splits (
  selection_id INTEGER NOT NULL REFERENCES selections(id) ON DELETE CASCADE,
  sample_id    INTEGER NOT NULL REFERENCES samples(id),
  wnid         TEXT NOT NULL,
  split        TEXT NOT NULL CHECK (split IN ('train', 'test')),
  PRIMARY KEY (selection_id, sample_id)
);

CREATE TABLE runs (
  id          INTEGER PRIMARY KEY,
  job_id      INTEGER,
  arch        TEXT NOT NULL,
  profile     TEXT NOT NULL,
  dataset     TEXT NOT NULL,
  params      TEXT NOT NULL,
  backend     TEXT,
  status      TEXT NOT NULL DEFAULT 'queued',
  epoch       INTEGER NOT NULL DEFAULT 0,
  best_val    REAL,
  top1        REAL,
  top5        REAL,
  checkpoint  TEXT,
  error       TEXT,
  started_at  TEXT,
  ended_at    TEXT
);
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step   INTEGER NOT NULL,
  epoch  REAL NOT NULL,
  name   TEXT NOT NULL,
  value  REAL NOT NULL,
  PRIMARY KEY (run_id, name, step)
);

-- The job queue. cursor is the stage's own resume point, written in the same transaction as the batch it follows.
CREATE TABLE jobs (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,
  lane       TEXT NOT NULL DEFAULT 'data',
  params     TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
  done       INTEGER NOT NULL DEFAULT 0,
  total      INTEGER,
  message    TEXT,
  error      TEXT,
  cursor     TEXT,
  result     TEXT,
  pid        INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  attempts   INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  ended_at   TEXT
);
CREATE INDEX jobs_state ON jobs(state, lane, id);

-- The job system's self-test (`imagenot jobs selftest`): a job that writes numbered rows in batches, so that
-- kill-and-resume and crash handling can be checked on any installation.
CREATE TABLE selftest_rows (
  job_id INTEGER NOT NULL,
  n      INTEGER NOT NULL,
  PRIMARY KEY (job_id, n)
);
