#!/usr/bin/env bash
# Benchmarks/import-while-labelling.sh: a big import while people label (issue 7). Builds a
# database of IMPORT_CASES sample cases, starts IMPORT_LOOPS labellers (`triage next` then
# `triage label`, in a loop, each its own --analyst), waits 3 s, imports IMPORT_CASES more cases
# (other ids) and stops the labellers when the import ends. Prints the import's time and, for the
# `triage label` runs made during it, how many, how many failed, and their wall-clock latency
# (median, p99, slowest: a whole process each, so start-up included). Exits 1 if any labeller run
# failed (a "locked" error, say) or the import did.
#
# Usage (from the repository root):
#   Benchmarks/import-while-labelling.sh                          # 100,000 cases, 2 labellers
#   IMPORT_CASES=30000 IMPORT_LOOPS=4 TRIAGE_BIN=.build-release/release/triage Benchmarks/import-while-labelling.sh
set -euo pipefail
cd "$(dirname "$0")/.."
n=${IMPORT_CASES:-100000}
loops=${IMPORT_LOOPS:-2}
if [ -z "${TRIAGE_BIN:-}" ]; then
    if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
    swift build -c release --scratch-path .build-release --product triage >&2
    TRIAGE_BIN=.build-release/release/triage
fi
triage=$(cd "$(dirname "$TRIAGE_BIN")" && pwd)/$(basename "$TRIAGE_BIN")
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
db=$dir/t.sqlite
"$triage" sample --n "$n" --seed 5 --out "$dir/a.jsonl" 2>/dev/null
sed 's/^{"case_id":"c_/{"case_id":"d_/' "$dir/a.jsonl" > "$dir/b.jsonl"
"$triage" import "$dir/a.jsonl" --db "$db" --quiet

labeller() { # ANALYST: one latency line (ms) per label, failures to ANALYST.fail
    local a=$1 id s e
    while true; do
        id=$("$triage" next --db "$db" --analyst "$a" 2>>"$dir/$a.err") || { echo "next $?" >> "$dir/$a.fail"; continue; }
        s=$(date +%s%N)
        "$triage" label "$id" violation --db "$db" --analyst "$a" >/dev/null 2>>"$dir/$a.err" || echo "label $?" >> "$dir/$a.fail"
        e=$(date +%s%N)
        echo $(( (e - s) / 1000000 )) >> "$dir/$a.ms"
    done
}
for i in $(seq 1 "$loops"); do labeller "l$i" & done
sleep 3
for i in $(seq 1 "$loops"); do : > "$dir/l$i.ms"; done
start=$(date +%s%N)
status=0
"$triage" import "$dir/b.jsonl" --db "$db" --quiet || status=$?
end=$(date +%s%N)
kill $(jobs -p) 2>/dev/null || true
wait 2>/dev/null || true
echo "import of $n cases while $loops labellers ran: $(( (end - start) / 1000000 )) ms, exit $status"
cat "$dir"/l*.ms | sort -n | awk '{a[NR]=$1} END {
    if (NR == 0) { print "no label was made during the import"; exit }
    p = int(NR * 0.99); if (p < 1) p = 1
    printf "labels during the import: %d; latency ms: median %d, p99 %d, slowest %d\n", NR, a[int((NR+1)/2)], a[p], a[NR] }'
failed=$(cat "$dir"/l*.fail 2>/dev/null | wc -l)
echo "failed labeller runs: $failed"
if [ "$failed" -gt 0 ]; then sort "$dir"/l*.err | uniq -c | head -5; exit 1; fi
exit "$status"
