-- Ingest and fetch (room B): per-source resume point and counters, and the fetch claim order.
-- next_row: rows/entries/images of the source already handled (committed with their samples in one transaction), so
-- an interrupted source continues where it stopped whichever job picks it up again.
ALTER TABLE sources ADD COLUMN next_row INTEGER NOT NULL DEFAULT 0;
-- Invalid UTF-8 sequences replaced by U+FFFD in this source's captions.
ALTER TABLE sources ADD COLUMN replaced_utf8 INTEGER NOT NULL DEFAULT 0;
-- Items of this source that were rejected (details in rejections).
ALTER TABLE sources ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;
-- Why the source stopped early (a damaged file after some good rows), or null.
ALTER TABLE sources ADD COLUMN error TEXT;

