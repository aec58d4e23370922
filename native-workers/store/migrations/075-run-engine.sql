-- The training engine of each run: 'tfjs' (TensorFlow.js, the built-in one; every run before this migration) or
-- 'torch' (the PyTorch trainer, native-workers/trainers/torch).
ALTER TABLE runs ADD COLUMN engine TEXT NOT NULL DEFAULT 'tfjs';
