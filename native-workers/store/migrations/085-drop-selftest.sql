-- The job system's self-test table moved out of the product: the test suite's own worker creates the table it writes
-- (test/helpers/selftest-worker.ts). Workspaces created before keep no trace of it.
DROP TABLE IF EXISTS selftest_rows;
