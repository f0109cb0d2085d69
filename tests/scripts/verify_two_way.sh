#!/usr/bin/env bash
# `sgdbench verify` compares both ways: a results folder missing records, holding extra or
# duplicated ones, or with tables that are not its runs.jsonl's, fails; the untouched copy
# passes. Works on a copy of results/verify-smoke (milliseconds of training).
#   tests/scripts/verify_two_way.sh SGDBENCH SOURCE_DIR
set -euo pipefail
exe=$1 src=$2
work=$(mktemp -d /tmp/sgdbench-verify2.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/results" "$work/configs"
cp "$src/configs/verify-smoke.json" "$work/configs/"
dir="$work/results/verify-smoke"
fail() { echo "FAIL: $*" >&2; exit 1; }
reset() { rm -rf "$dir"; cp -r "$src/results/verify-smoke" "$dir"; }
expect() {  # expect EXIT PATTERN DESCRIPTION
  local rc=0
  (cd "$work" && "$exe" verify results/verify-smoke) >"$work/out" 2>&1 || rc=$?
  head -2 "$work/out" | cut -c1-160
  [ "$rc" -eq "$1" ] || fail "$3: verify exited $rc, expected $1"
  grep -q -- "$2" "$work/out" || fail "$3: verify did not say '$2'"
}
retable() { "$exe" report --no-plots "$dir" >/dev/null; }  # tables from the altered runs.jsonl

reset; expect 0 " 0 mismatches" "untouched copy"
reset; grep -v '"batch_size":32,' "$src/results/verify-smoke/runs.jsonl" >"$dir/runs.jsonl"; retable
expect 1 "produced by the re-run but missing from runs.jsonl" "B = 32 records deleted"
reset; (head -1 "$src/results/verify-smoke/runs.jsonl"; tail -1 "$src/results/verify-smoke/runs.jsonl") >"$dir/runs.jsonl"; retable
expect 1 "missing from runs.jsonl" "only the first and last lines kept"
reset; grep -m1 '"type":"run"' "$src/results/verify-smoke/runs.jsonl" >>"$dir/runs.jsonl"; retable
expect 1 "2 times in runs.jsonl" "a run line duplicated"
reset; grep -v '"type":"problems"' "$src/results/verify-smoke/runs.jsonl" >"$dir/runs.jsonl"; retable
expect 1 "problems: 0 record(s) in runs.jsonl, 1 from the re-run" "the problems record deleted"
reset; sed -i 's/"status":"ok"/"status":"diverged"/' "$dir/runs.jsonl"; retable
expect 1 'status was "diverged" and is now "ok"' "a status changed"
reset; sed -i 's/| 5 |/| 6 |/' "$dir/summary.md"
expect 1 "summary.md: differs from a re-rendering" "summary.md edited by hand"
reset; sed -i 's/"simd_arch": "[a-z0-9]*"/"simd_arch": "made-up-isa"/' "$dir/machine.json"
# All-scalar: no instruction-set note, the bits must hold (issue 42, row 8).
expect 0 "nielsen/plain/scalar/seq: [0-9]* figures, 0 mismatches; must match on this build (scalar kernels" "another ISA recorded"
reset; rm -rf "$dir/plots" "$dir"/summary.{md,csv,tex}; retable
[ ! -e "$dir/plots" ] || fail "report --no-plots drew plots"
for ext in md csv tex; do
  cmp -s "$dir/summary.$ext" "$src/results/verify-smoke/summary.$ext" ||
    fail "report --no-plots did not write summary.$ext as committed"
done
echo "PASS: verify fails on missing, extra, duplicated and altered records and tables"
