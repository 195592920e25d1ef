#!/usr/bin/env python3
"""The import baseline of issue 10: a plain Python loader (json + sqlite3, nothing else) that
loads a `triage sample` JSON Lines file into a normalised schema comparable to triage's (cases,
scores, attributions, rationales, evidence, feature snapshots; indexes for the queue's sorts; an
external-content FTS5 index over name, description, rationale and evidence), in one transaction
with a large page cache, as a competent script would. No validation beyond what json does.

usage: python_import.py CASES.jsonl OUT.sqlite      prints "N cases in S s"
"""
import json
import sqlite3
import sys
import time

SCHEMA = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -262144;
CREATE TABLE cases (id INTEGER PRIMARY KEY, case_id TEXT UNIQUE NOT NULL, policy TEXT, flagged_at TEXT,
  merchant_id TEXT, merchant_name TEXT, country TEXT, mcc TEXT, url TEXT, description TEXT,
  status TEXT NOT NULL DEFAULT 'open', score REAL, threshold REAL);
CREATE INDEX cases_queue ON cases(status, score DESC, id);
CREATE INDEX cases_age ON cases(status, flagged_at, id);
CREATE INDEX cases_policy ON cases(policy, status, score DESC, id);
CREATE TABLE score (id INTEGER PRIMARY KEY, case_row INTEGER NOT NULL, model TEXT, version TEXT, score REAL,
  threshold REAL, UNIQUE(case_row, model, version));
CREATE TABLE attribution (id INTEGER PRIMARY KEY, case_row INTEGER NOT NULL, model TEXT, version TEXT,
  base_value REAL, space TEXT, items TEXT, UNIQUE(case_row, model, version));
CREATE TABLE rationale (id INTEGER PRIMARY KEY, case_row INTEGER NOT NULL, model TEXT, prompt_version TEXT,
  text TEXT, evidence_ids TEXT);
CREATE INDEX rationale_by_case ON rationale(case_row);
CREATE TABLE evidence (id INTEGER PRIMARY KEY, case_row INTEGER NOT NULL, evidence_id TEXT, kind TEXT,
  source TEXT, text TEXT, UNIQUE(case_row, evidence_id));
CREATE TABLE feature_snapshot (id INTEGER PRIMARY KEY, case_row INTEGER NOT NULL, features TEXT);
CREATE INDEX feature_by_case ON feature_snapshot(case_row);
CREATE VIRTUAL TABLE case_search USING fts5(name, description, rationale, evidence, content='',
  tokenize = 'unicode61 remove_diacritics 2');
"""


def main(src, dst):
    db = sqlite3.connect(dst, isolation_level=None)
    db.executescript(SCHEMA)
    started = time.time()
    n = 0
    db.execute("BEGIN")
    with open(src, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            m = r.get("merchant", {})
            scores = r.get("scores", [])
            head = max(scores, key=lambda s: s["score"]) if scores else {}
            cur = db.execute(
                "INSERT INTO cases(case_id, policy, flagged_at, merchant_id, merchant_name, country, mcc, url, description,"
                " score, threshold) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (r["case_id"], r.get("policy"), r.get("flagged_at"), m.get("id"), m.get("name"), m.get("country"),
                 m.get("mcc"), m.get("url"), m.get("description"), head.get("score"), head.get("threshold")))
            row = cur.lastrowid
            db.executemany("INSERT INTO score(case_row, model, version, score, threshold) VALUES (?,?,?,?,?)",
                           [(row, s["model"], s["version"], s["score"], s.get("threshold")) for s in scores])
            atts = r.get("attributions") or []
            if isinstance(atts, dict):
                atts = [atts]
            db.executemany("INSERT INTO attribution(case_row, model, version, base_value, space, items) VALUES (?,?,?,?,?,?)",
                           [(row, a["model"], a.get("version"), a["base_value"], a.get("space", "logit"),
                             json.dumps(a["items"])) for a in atts])
            rats = r.get("rationales") or ([r["rationale"]] if r.get("rationale") else [])
            db.executemany("INSERT INTO rationale(case_row, model, prompt_version, text, evidence_ids) VALUES (?,?,?,?,?)",
                           [(row, x.get("model"), x.get("prompt_version"), x["text"], json.dumps(x.get("evidence_ids", x.get("evidence", []))))
                            for x in rats])
            ev = r.get("evidence") or []
            db.executemany("INSERT INTO evidence(case_row, evidence_id, kind, source, text) VALUES (?,?,?,?,?)",
                           [(row, e["id"], e.get("kind"), e.get("source"), e.get("text")) for e in ev])
            if r.get("features"):
                db.execute("INSERT INTO feature_snapshot(case_row, features) VALUES (?,?)", (row, json.dumps(r["features"])))
            db.execute("INSERT INTO case_search(rowid, name, description, rationale, evidence) VALUES (?,?,?,?,?)",
                       (row, m.get("name"), m.get("description"), " ".join(x["text"] for x in rats),
                        " ".join(e.get("text") or "" for e in ev)))
            n += 1
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"{n} cases in {time.time() - started:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
