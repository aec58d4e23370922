-- Training runs and job outcomes as the Training and Rankings screens show them.
-- A run left out of the rankings by hand (still listed, its metrics kept).
ALTER TABLE runs ADD COLUMN excluded INTEGER NOT NULL DEFAULT 0;
-- When each metric point was recorded (seconds since 1970), for curves over wall-clock time; null for older rows.
ALTER TABLE metrics ADD COLUMN time REAL;
-- Why a job that succeeded still needs a look ("finished with 12 rejected", "selected nothing"); null when clean.
ALTER TABLE jobs ADD COLUMN attention TEXT;
-- Rejections are counted per job when it finishes.
CREATE INDEX IF NOT EXISTS rejections_job ON rejections(job_id);
