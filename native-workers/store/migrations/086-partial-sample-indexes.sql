-- 010-ingest.sql changed after it was released: it later turned samples_image and samples_fetch into partial indexes.
-- Workspaces that applied the earlier 010 still have the full indexes; rebuild both here so every workspace ends with
-- the same schema (a one-time index rebuild; a no-op in effect where 010 already made them partial).
DROP INDEX IF EXISTS samples_image;
CREATE INDEX samples_image ON samples(image_sha256) WHERE image_sha256 IS NOT NULL;
DROP INDEX IF EXISTS samples_fetch;
CREATE INDEX samples_fetch ON samples(fetch_status) WHERE fetch_status IS NOT NULL;
