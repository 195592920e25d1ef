#!/usr/bin/env bash
# Fuzzes the import parsers (JSON Lines + CSV case decoding + case validation) with libFuzzer.
#
#   Benchmarks/fuzz/run.sh [seconds] [extra libFuzzer flags...]     (default: 60 seconds)
#
# Builds TriageCore and the parsing half of TriageFormats (not the TOMLKit-based files) with
# -sanitize=fuzzer,address, links them with Tests/TriageFormatsTests/FuzzTarget.swift and
# main.swift, and runs on a copy of the seed corpus (corpus/ is kept in the repo; new inputs go
# to $FUZZ_WORK/corpus, crashes to $FUZZ_WORK/crash-*). Replay one input: $FUZZ_WORK/fuzz-import FILE
set -euo pipefail
seconds=${1:-60}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${FUZZ_WORK:-$root/.build-fuzz/libfuzzer}
swiftc=${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}
mkdir -p "$work/obj" "$work/corpus"

flags=(-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6)
# TriageCore: all of it (it imports Foundation only for formatting; Foundation is linked, not instrumented).
"$swiftc" "${flags[@]}" -module-name TriageCore -wmo -c -emit-module \
    -emit-module-path "$work/obj/TriageCore.swiftmodule" -o "$work/obj/TriageCore.o" \
    "$root"/Sources/TriageCore/*.swift
# TriageFormats: the import parsers and what they use; the TOML files (TOMLKit) and report
# writers are left out.
formats=(JSON.swift JSONWriter.swift CaseRecordJSON.swift CSV.swift CaseRecordCSV.swift)
"$swiftc" "${flags[@]}" -module-name TriageFormats -wmo -c -emit-module -I "$work/obj" \
    -emit-module-path "$work/obj/TriageFormats.swiftmodule" -o "$work/obj/TriageFormats.o" \
    "${formats[@]/#/$root/Sources/TriageFormats/}"
"$swiftc" "${flags[@]}" -module-name FuzzImport -I "$work/obj" \
    "$root/Tests/TriageFormatsTests/FuzzTarget.swift" "$here/main.swift" \
    "$work/obj/TriageCore.o" "$work/obj/TriageFormats.o" -o "$work/fuzz-import" 2> >(grep -v "Cannot export local symbol" >&2)

cd "$work"
# Swift's own crash backtracer is slow and libFuzzer prints the stack anyway.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
exec ./fuzz-import -max_total_time="$seconds" -rss_limit_mb=512 -timeout=10 -max_len=65536 \
    -dict="$here/json.dict" -print_final_stats=1 "$@" corpus "$here/corpus"
