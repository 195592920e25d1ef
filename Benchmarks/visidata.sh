#!/usr/bin/env bash
# The VisiData side of the README's Performance comparison (issue 10): the same sample cases as
# one CSV row each (everything a table browser would show, Benchmarks/jsonl_to_csv.py), opened in
# VisiData (from PyPI) in batch mode, then opened and sorted by score (typed as a number first, as
# a user would, or the sort is by text). Wall time and peak RSS from GNU time.
#
#   Benchmarks/visidata.sh CASES.jsonl      (e.g. `triage sample --n 1000000 --out cases.jsonl`)
set -euo pipefail
src=${1:?usage: visidata.sh CASES.jsonl}
command -v vd >/dev/null || pip install --quiet visidata
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "$(dirname "$0")/jsonl_to_csv.py" "$src" "$dir/cases.csv"
cat > "$dir/load.vdj" <<'VDJ'
{"sheet": "cases", "col": "score", "row": "", "longname": "type-float", "input": "", "keystrokes": "%", "comment": ""}
VDJ
cat > "$dir/sort.vdj" <<'VDJ'
{"sheet": "cases", "col": "score", "row": "", "longname": "type-float", "input": "", "keystrokes": "%", "comment": ""}
{"sheet": "cases", "col": "score", "row": "", "longname": "sort-desc", "input": "", "keystrokes": "]", "comment": ""}
VDJ
vd --version
for step in load sort; do
    echo "== open$([ $step = sort ] && echo ' and sort by score')"
    /usr/bin/time -f "%e s wall, peak RSS %M KB" vd -b -p "$dir/$step.vdj" "$dir/cases.csv"
done
