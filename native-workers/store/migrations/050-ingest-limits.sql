-- Ingest limits and caption checks, counted per source.
-- over_limit: rows/entries refused for their size (a caption or field over --max-caption-chars, a line over the
-- record limit); also counted in `rejected`, with each one in `rejections`.
ALTER TABLE sources ADD COLUMN over_limit INTEGER NOT NULL DEFAULT 0;
-- no_caption: samples kept without a caption (the caption cell was empty, null or absent).
ALTER TABLE sources ADD COLUMN no_caption INTEGER NOT NULL DEFAULT 0;
-- unpacked_bytes: bytes of a gzipped source after gunzip (null when it was not gzipped).
ALTER TABLE sources ADD COLUMN unpacked_bytes INTEGER;
