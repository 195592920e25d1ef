#!/usr/bin/env bash
# Benchmarks/stress.sh: the heavy version of ReliabilityTests' concurrency check (issue 7,
# "no label is ever lost"). STRESS_PROCS scripted labellers (Benchmarks/label-loop.sh: the
# README's `triage next` + `triage label` loop, each its own --analyst) label one database at
# once, STRESS_LABELS labels each; then every invariant is checked against the database:
#
#   - no run failed: no stderr at all (so no "locked"/"busy"), no exit code but 0 (and next's 3);
#   - every acknowledged label ("labelled CASE DECISION (event N)", exit 0) is a label_event row
#     with that case, analyst and decision; no event id acknowledged twice; as many rows as acks;
#   - no case has two label events (none here supersedes another), no case two analysts;
#   - every claim `triage next` handed out went to one analyst only, once;
#   - no claim left behind; PRAGMA integrity_check is ok.
#
# Prints totals and timings; exits 1 on any violation, 2 on a setup problem.
#
# Usage (from the repository root):
#   Benchmarks/stress.sh                                 # 8 x 5000 labels, release build
#   STRESS_PROCS=8 STRESS_LABELS=500 Benchmarks/stress.sh
#   TRIAGE_BIN=.build/release/triage STRESS_DIR=/tmp/s Benchmarks/stress.sh   # keep the files
# Environment: STRESS_PROCS (8), STRESS_LABELS per process (5000), TRIAGE_BIN (else builds with
# `swift build -c release`, scratch path STRESS_SCRATCH, default .build), STRESS_DIR (else a
# temporary directory, removed at the end when everything passed).
set -euo pipefail
cd "$(dirname "$0")/.."
procs=${STRESS_PROCS:-8}
per=${STRESS_LABELS:-5000}
command -v sqlite3 >/dev/null || { echo "stress: sqlite3 is needed" >&2; exit 2; }

if [ -z "${TRIAGE_BIN:-}" ]; then
    if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
    scratch=${STRESS_SCRATCH:-.build}
    swift build -c release --product triage --scratch-path "$scratch" >&2
    TRIAGE_BIN="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/triage"
fi
[ -x "$TRIAGE_BIN" ] || { echo "stress: no triage binary at $TRIAGE_BIN" >&2; exit 2; }
keep=${STRESS_DIR:+1}
dir=${STRESS_DIR:-$(mktemp -d /tmp/triage-stress.XXXXXX)}
mkdir -p "$dir/out"
db="$dir/stress.sqlite"
rm -f "$db" "$db-wal" "$db-shm" "$dir"/out/*
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

total=$((procs * per))
cases=$((total + 200))
echo "stress: $procs labellers x $per labels = $total labels, $cases cases, binary $TRIAGE_BIN, in $dir"
t0=$(now)
"$TRIAGE_BIN" sample --n "$cases" --out "$dir/cases.jsonl" --seed 7 >/dev/null
"$TRIAGE_BIN" import "$dir/cases.jsonl" --db "$db" >/dev/null
t1=$(now)
echo "stress: sample + import of $cases cases: $(secs "$t0" "$t1") s"

pids=()
for i in $(seq 1 "$procs"); do
    sh Benchmarks/label-loop.sh "$TRIAGE_BIN" "$db" "s$i" "$per" "$dir/out" > "$dir/out/s$i.stdout" &
    pids+=($!)
done
loopfail=0
for p in "${pids[@]}"; do wait "$p" || loopfail=$((loopfail + 1)); done
t2=$(now)
elapsed=$(secs "$t1" "$t2")

violations=0
fail() { echo "VIOLATION: $*"; violations=$((violations + 1)); }
acks=$(cat "$dir"/out/*.acks | wc -l)
rows=$(sqlite3 "$db" "SELECT count(*) FROM label_event")
[ "$loopfail" -eq 0 ] || fail "$loopfail labellers ended with a failure status"
[ "$acks" -eq "$total" ] || fail "$acks labels acknowledged, $total wanted ($(cat "$dir"/out/*.stdout))"
errs=$(cat "$dir"/out/*.err | wc -l)
[ "$errs" -eq 0 ] || fail "$errs stderr lines, e.g.: $(cat "$dir"/out/*.err | sort | uniq -c | sort -rn | head -5)"
grep -qiE 'locked|busy' "$dir"/out/*.err && fail "a labeller was told the database was locked or busy"
fails=$(cat "$dir"/out/*.fail | wc -l)
[ "$fails" -eq 0 ] || fail "$fails failed runs, by command and exit: $(awk '{print $1, $2}' "$dir"/out/*.fail | sort | uniq -c | tr '\n' ';')"
[ "$rows" -eq "$acks" ] || fail "label_event has $rows rows, $acks labels were acknowledged"

# Acknowledged (event, case, analyst, decision) against the database, both ways.
for i in $(seq 1 "$procs"); do
    sed -n "s/^labelled \([^ ]*\) \([^ ]*\) (event \([0-9]*\))$/\3|\1|s$i|\2/p" "$dir/out/s$i.acks"
done | sort > "$dir/acked.txt"
sqlite3 "$db" "SELECT e.id, c.case_id, e.analyst, e.decision FROM label_event e JOIN cases c ON c.id = e.case_row" \
    | sort > "$dir/stored.txt"
dup=$(cut -d'|' -f1 "$dir/acked.txt" | uniq -d | wc -l)
[ "$dup" -eq 0 ] || fail "$dup event ids acknowledged twice"
missing=$(comm -23 "$dir/acked.txt" "$dir/stored.txt" | wc -l)
[ "$missing" -eq 0 ] || fail "$missing acknowledged labels are not in the database: $(comm -23 "$dir/acked.txt" "$dir/stored.txt" | head -3)"
extra=$(comm -13 "$dir/acked.txt" "$dir/stored.txt" | wc -l)
[ "$extra" -eq 0 ] || fail "$extra label events nobody acknowledged: $(comm -13 "$dir/acked.txt" "$dir/stored.txt" | head -3)"

double=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT case_row FROM label_event WHERE project IS NULL AND kind = 'label'
                         AND supersedes IS NULL GROUP BY case_row HAVING count(*) > 1)")
[ "$double" -eq 0 ] || fail "$double cases have two label events without a supersedes"
people=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT case_row FROM label_event WHERE supersedes IS NULL
                         GROUP BY case_row HAVING count(DISTINCT analyst) > 1)")
[ "$people" -eq 0 ] || fail "$people cases labelled by two people"
shared=$(cat "$dir"/out/*.claims | awk '{print $2, $3}' | sort -u | awk '{print $1}' | uniq -d | wc -l)
[ "$shared" -eq 0 ] || fail "$shared cases handed by next to more than one analyst"
claims=$(cat "$dir"/out/*.claims | wc -l)
reclaimed=$(cat "$dir"/out/*.claims | awk '{print $2}' | sort | uniq -d | wc -l)
[ "$reclaimed" -eq 0 ] || fail "$reclaimed cases handed out twice"
[ "$claims" -eq "$acks" ] || fail "$claims claims for $acks labels"
left=$(sqlite3 "$db" "SELECT count(*) FROM assignment")
[ "$left" -eq 0 ] || fail "$left claims left behind"
integrity=$(sqlite3 "$db" "PRAGMA integrity_check")
[ "$integrity" = "ok" ] || fail "integrity_check: $integrity"

rate=$(awk -v n="$acks" -v t="$elapsed" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')
echo "stress: $acks labels acknowledged, $rows label events, $claims claims, in $elapsed s ($rate labels/s, each a next + a label process)"
echo "stress: failed runs $fails, stderr lines $errs, double labels $double, shared claims $shared, integrity $integrity"
if [ "$violations" -gt 0 ]; then
    echo "stress: $violations VIOLATIONS; files kept in $dir"
    exit 1
fi
echo "stress: OK"
[ -n "$keep" ] || rm -rf "$dir"
