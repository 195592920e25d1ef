#!/usr/bin/env python3
"""Flattens a `triage sample` JSON Lines file into one CSV row per case, keeping everything a
table browser would show: the profile, the headline score, the rationale and evidence text, and
the attributions and feature snapshot as JSON text. Used to give VisiData the same cases triage
imports (Benchmarks/visidata.sh).

usage: jsonl_to_csv.py CASES.jsonl OUT.csv
"""
import csv
import json
import sys


def main(src, dst):
    cols = ["case_id", "policy", "flagged_at", "merchant_id", "merchant_name", "country", "mcc", "url",
            "description", "model", "version", "score", "threshold", "rationale", "evidence", "attributions",
            "features"]
    with open(src, "rb") as f, open(dst, "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(cols)
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            m = r.get("merchant", {})
            head = max(r.get("scores") or [{}], key=lambda s: s.get("score", 0))
            rats = r.get("rationales") or []
            w.writerow([r["case_id"], r.get("policy"), r.get("flagged_at"), m.get("id"), m.get("name"), m.get("country"),
                        m.get("mcc"), m.get("url"), m.get("description"), head.get("model"), head.get("version"),
                        head.get("score"), head.get("threshold"), " ".join(x["text"] for x in rats),
                        " ".join(e.get("text") or "" for e in r.get("evidence") or []),
                        json.dumps(r.get("attributions")), json.dumps(r.get("features"))])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
