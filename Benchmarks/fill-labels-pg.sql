-- The PostgreSQL twin of fill-labels.sql: how the README's 1,000,000-case PostgreSQL benchmark
-- database got its labels. After
--   triage db init --db postgres://postgres@HOST:PORT/bench
--   triage sample --n 1000000 --out big.jsonl && triage import big.jsonl --db postgres://postgres@HOST:PORT/bench
-- run, as the database's owner, `psql -v ON_ERROR_STOP=1 -d bench -f Benchmarks/fill-labels-pg.sql`.
-- 900,000 analyst labels and the labelling project "big" (overlap 2: 50,000 cases, 100,000 blind
-- labels by two labelers who disagree on about a third of them), the same shape as the SQLite
-- file's. The rows go through the same trigger as every label (triage_label_applied sets each
-- case's status and current label), so the case table ends up as labelling would leave it.
-- The dashboard's counters are recounted once at the end instead of row by row: one transaction
-- updating the same counter rows 900,000 times grows their version chains without end (real
-- labels commit one at a time), and took over 14 minutes before it was stopped.
ALTER TABLE cases DISABLE TRIGGER cases_agg_labelled;
BEGIN;
INSERT INTO label_event(case_row, kind, decision, reason_codes, analyst, os_user, role, created_at, dwell_ms, blind, app_version, queue_policy)
SELECT id, 'label', CASE WHEN random() < score THEN 'violation' ELSE 'no_violation' END, '[]', 'analyst' || (id % 20), 'os', 'analyst',
  1795460285000 - (id % 1209600) * 1000, 1000 + id % 60000, false, 'bench', 'score'
FROM cases WHERE id <= 900000 ORDER BY id;
COMMIT;

BEGIN;
INSERT INTO project(name, policy, overlap, blind, gold_rate, queue_policy, seed, created_by, created_at)
VALUES ('big', NULL, 2, true, 0, 'score', 1, 'bench', 1795460285000);
INSERT INTO project_case(project, case_row, position, label_count)
SELECT 'big', id, id - 900000, 0 FROM cases WHERE id > 900000 AND id <= 950000;
-- label_count is kept by the trigger: it ends at 2.
INSERT INTO label_event(case_row, kind, decision, reason_codes, analyst, os_user, role, created_at, dwell_ms, blind, app_version, queue_policy, project)
SELECT c.id, 'label', CASE WHEN random() < c.score THEN 'violation' ELSE 'no_violation' END, '[]',
  'labeler' || l.n, 'os', 'labeler', 1795460285000 - (c.id % 1209600) * 1000 + l.n, 1000 + c.id % 60000, true, 'bench', 'score', 'big'
FROM cases c, (VALUES (1), (2)) l(n) WHERE c.id > 900000 AND c.id <= 950000
ORDER BY c.id, l.n;
COMMIT;
ALTER TABLE cases ENABLE TRIGGER cases_agg_labelled;
SELECT triage_recompute_aggregates();
VACUUM ANALYZE;
