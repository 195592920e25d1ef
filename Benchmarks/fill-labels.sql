-- How the README's 1,000,000-case benchmark database got its 900,000 analyst labels: after
--   triage sample --n 1000000 --out big.jsonl && triage import big.jsonl --db big.sqlite
-- run `sqlite3 big.sqlite < Benchmarks/fill-labels.sql` (about 5 minutes). Recording 900,000
-- labels one durable transaction at a time through `triage label` would take hours; these rows
-- are the same shape (the aggregate triggers keep the dashboard's counts in step). The labelling
-- project in that file ("big": overlap 2, 50,000 cases, 100,000 labels by two labelers) was
-- added to it in an earlier session; the script that did it was not kept.
PRAGMA journal_mode=WAL;
BEGIN;
INSERT INTO label_event(case_row, kind, decision, reason_codes, analyst, os_user, role, created_at, dwell_ms, blind, app_version, queue_policy)
SELECT id, 'label', CASE WHEN abs(random()) % 100 < (score * 100) THEN 'violation' ELSE 'no_violation' END, '[]', 'analyst' || (id % 20), 'os', 'analyst',
  1795460285000 - (id % 1209600) * 1000, 1000 + id % 60000, 0, 'bench', 'score'
FROM cases WHERE id <= 900000;
UPDATE cases SET current_label = (SELECT e.id FROM label_event e WHERE e.case_row = cases.id), status = 'decided' WHERE id <= 900000;
COMMIT;
