-- Dataset building (flags, selection, export): indexes for the queries that exclude flagged samples and list a
-- selection's split per class.
CREATE INDEX IF NOT EXISTS flags_kind ON flags(kind, flagged, sample_id);
CREATE INDEX IF NOT EXISTS splits_class ON splits(selection_id, wnid, split);
