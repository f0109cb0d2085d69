#!/usr/bin/env bash
# Ctrl-C (SIGINT) in the middle of a sweep: the run stops after the current evaluation
# point with exit 130, writes the tables of the finished cells, prints the resume command
# (with --out, on screen and in summary.md),
# and `--resume` then completes it to the same runs.jsonl as an uninterrupted run.
#   tests/scripts/ctrl_c_then_resume.sh SGDBENCH CONFIG
set -euo pipefail
exe=$1 config=$2
work=$(mktemp -d /tmp/sgdbench-sigint.XXXXXX)
trap 'rm -rf "$work"' EXIT
name=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$config")
dir="$work/out/$name"

fail() { echo "FAIL: $*" >&2; exit 1; }
# Job control on: a background job of a script would otherwise inherit SIGINT ignored
# (POSIX), and sgdbench, like any well-behaved program, keeps an ignored SIGINT ignored.
set -m
"$exe" run "$config" --out "$work/out" --no-plots 2>"$work/stderr" >/dev/null &
pid=$!
set +m
# Wait for the first finished cell (at most 30 s), then press Ctrl-C.
started=0
for _ in $(seq 300); do
  if [ -f "$dir/runs.jsonl.partial" ] && grep -q '"type":"run"' "$dir/runs.jsonl.partial"; then
    started=1; break
  fi
  sleep 0.1
done
[ "$started" -eq 1 ] || { kill -9 "$pid"; fail "no cell finished within 30 s"; }
kill -INT "$pid"
rc=0; wait "$pid" || rc=$?
tail -3 "$work/stderr"
[ "$rc" -eq 130 ] || fail "exit $rc after SIGINT, expected 130"
grep -q "resume with: .* --resume" "$work/stderr" || fail "no resume command printed"
grep -q "Interrupted after [1-9][0-9]* of" "$dir/summary.md" || fail "summary.md does not table the finished cells"
# Both resume hints carry --out (issue 42: summary.md's did not, and following it started
# a fresh sweep in results/).
grep -q "resume with: .* --out $work/out --resume" "$work/stderr" || fail "the printed hint lacks --out"
grep -qF "\`sgdbench run $config --out $work/out --resume\` completes the run" "$dir/summary.md" ||
  fail "summary.md's resume hint lacks --out: $(grep -o 'Interrupted.*' "$dir/summary.md")"
[ -f "$dir/summary.tex" ] && [ -f "$dir/summary.csv" ] || fail "tables missing"
[ ! -f "$dir/runs.jsonl" ] || fail "runs.jsonl written by an interrupted run"
"$exe" report "$dir" >"$work/report" 2>&1 && fail "report succeeded without runs.jsonl"
grep -q "holds an interrupted run" "$work/report" || fail "report does not say the run was interrupted"

"$exe" run "$config" --out "$work/out" --no-plots --quiet --resume >/dev/null 2>"$work/resume"
grep -q "finished cell(s) kept" "$work/resume" || fail "resume kept nothing"
"$exe" run "$config" --out "$work/ref" --no-plots --quiet >/dev/null 2>&1
/usr/bin/python3 "$(dirname "$0")/same_records.py" "$work/ref/$name/runs.jsonl" "$dir/runs.jsonl"
echo "PASS: SIGINT -> exit 130, tables of the finished cells, resume -> the uninterrupted runs.jsonl"
