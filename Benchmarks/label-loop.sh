#!/bin/sh
# One scripted labeller, as in the README's "Scripting" section: `triage next`, then
# `triage label`, until WANT labels are acknowledged or the queue is empty. Used by
# Tests/EndToEndTests/ReliabilityTests.swift and Benchmarks/stress.sh.
#
# usage: label-loop.sh TRIAGE DB ANALYST WANT OUTDIR
#
# Appends to files in OUTDIR, so a loop killed with SIGKILL and started again resumes its counts:
#   ANALYST.claims  "claim CASE ANALYST" for every case `triage next` handed out (exit 0)
#   ANALYST.acks    the "labelled CASE DECISION (event N)" line of every label acknowledged (exit 0),
#                   written only after `triage label` has exited 0
#   ANALYST.err     standard error of every triage run (empty when all went well)
#   ANALYST.fail    "next|label EXIT CASE" for every run that failed (any exit but 0, and 3 from next)
# Ends with status 0 (WANT reached, or "queue empty" on stdout), or 1 after 20 failures. After a
# failure it waits 0.2 s before trying again (a PostgreSQL server restarting takes a moment).
set -u
triage=$1 db=$2 analyst=$3 want=$4 out=$5
acks="$out/$analyst.acks" claims="$out/$analyst.claims" err="$out/$analyst.err" fail="$out/$analyst.fail"
touch "$acks" "$claims" "$err" "$fail"
n=$(wc -l < "$acks")
failures=0
while [ "$n" -lt "$want" ]; do
    id=$("$triage" next --db "$db" --analyst "$analyst" --lease 600 2>>"$err"); rc=$?
    if [ "$rc" -eq 3 ]; then echo "queue empty after $n labels"; exit 0; fi
    if [ "$rc" -ne 0 ]; then
        printf 'next %s -\n' "$rc" >> "$fail"
        failures=$((failures + 1)); [ "$failures" -ge 20 ] && exit 1
        sleep 0.2
        continue
    fi
    printf 'claim %s %s\n' "$id" "$analyst" >> "$claims"
    if [ $((n % 2)) -eq 0 ]; then decision=violation; else decision=no_violation; fi
    line=$("$triage" label --db "$db" --analyst "$analyst" --note "loop $analyst" -- "$id" "$decision" 2>>"$err"); rc=$?
    if [ "$rc" -eq 0 ]; then
        printf '%s\n' "$line" >> "$acks"
        n=$((n + 1))
    else
        printf 'label %s %s\n' "$rc" "$id" >> "$fail"
        failures=$((failures + 1)); [ "$failures" -ge 20 ] && exit 1
        sleep 0.2
    fi
done
exit 0
