-- How the README's 1,000,000-case benchmark database got its 900,000 analyst labels: after
--   triage sample --n 1000000 --out big.jsonl && triage import big.jsonl --db big.sqlite
-- run `sqlite3 big.sqlite < Benchmarks/fill-labels.sql` (about 5 minutes). Recording 900,000
-- labels one durable transaction at a time through `triage label` would take hours; these rows
-- are the same shape (the aggregate triggers keep the dashboard's counts in step). It also adds
-- the labelling project "big" (overlap 2: 50,000 cases, 100,000 blind labels by two labelers
-- who disagree on about a third of them) for the dashboard's label quality.
PRAGMA journal_mode=WAL;
BEGIN;
INSERT INTO label_event(case_row, kind, decision, reason_codes, analyst, os_user, role, created_at, dwell_ms, blind, app_version, queue_policy)
SELECT id, 'label', CASE WHEN abs(random()) % 100 < (score * 100) THEN 'violation' ELSE 'no_violation' END, '[]', 'analyst' || (id % 20), 'os', 'analyst',
  1795460285000 - (id % 1209600) * 1000, 1000 + id % 60000, 0, 'bench', 'score'
FROM cases WHERE id <= 900000;
UPDATE cases SET current_label = (SELECT e.id FROM label_event e WHERE e.case_row = cases.id), status = 'decided' WHERE id <= 900000;
COMMIT;

BEGIN;
INSERT INTO project(name, policy, overlap, blind, gold_rate, queue_policy, seed, created_by, created_at)
VALUES ('big', NULL, 2, 1, 0, 'score', 1, 'bench', 1795460285000);
INSERT INTO project_case(project, case_row, position, label_count)
SELECT 'big', id, id - 900000, 2 FROM cases WHERE id > 900000 AND id <= 950000;
INSERT INTO label_event(case_row, kind, decision, reason_codes, analyst, os_user, role, created_at, dwell_ms, blind, app_version, queue_policy, project)
SELECT c.id, 'label', CASE WHEN abs(random()) % 100 < (c.score * 100) THEN 'violation' ELSE 'no_violation' END, '[]',
  'labeler' || l.n, 'os', 'labeler', 1795460285000 - (c.id % 1209600) * 1000 + l.n, 1000 + c.id % 60000, 1, 'bench', 'score', 'big'
FROM cases c, (SELECT 1 AS n UNION ALL SELECT 2) l WHERE c.id > 900000 AND c.id <= 950000
ORDER BY c.id, l.n;
COMMIT;
