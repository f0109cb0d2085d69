#!/usr/bin/env bash
# A sweep killed with kill -9 at random points and resumed each time must end with the
# same runs.jsonl as an uninterrupted run (timings aside), and no kill may lose a
# finished cell: the finished cells on disk never decrease from one kill to the next.
# Each restart is killed at a random time within 2/KILLS of the uninterrupted run's wall
# time (or within MAX_DELAY_S seconds when given): the kills land across the sweep on a
# fast or a slow machine, and the first cannot come after the end.
#   tests/scripts/kill_and_resume.sh SGDBENCH CONFIG [KILLS=5] [MAX_DELAY_S] [SEED]
set -euo pipefail
exe=$1 config=$2 kills=${3:-5} max_delay=${4:-} seed=${5:-$$}
work=$(mktemp -d /tmp/sgdbench-kill.XXXXXX)
trap 'rm -rf "$work"' EXIT
name=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$config")
RANDOM=$seed

t0=$(date +%s%N)
"$exe" run "$config" --out "$work/ref" --no-plots --quiet >/dev/null
run_ms=$((($(date +%s%N) - t0) / 1000000))
max_ms=$(( ${max_delay:-0} > 0 ? max_delay * 1000 : run_ms * 2 / kills + 1 ))
echo "uninterrupted run: $run_ms ms; each restart killed within $max_ms ms"
finished_cells() {  # complete run lines on disk (0 if none)
  local f="$work/killed/$name/runs.jsonl"
  [ -f "$f.partial" ] && f="$f.partial"
  # A run line ends with "}" right after its last field; a torn one does not.
  if [ -f "$f" ]; then grep -c '"type":"run".*}$' "$f" || true; else echo 0; fi
}
before=0
resumed_with_cells=0  # kills after which a resume kept finished cells
for ((i = 1; i <= kills; i++)); do
  ms=$(( (RANDOM * 32768 + RANDOM) % max_ms ))
  delay=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))
  "$exe" run "$config" --out "$work/killed" --no-plots --quiet --resume \
    2>"$work/log$i" >/dev/null &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  now=$(finished_cells)
  kept=$(sed -n 's/.*: \([0-9]*\) finished cell(s) kept.*/\1/p' "$work/log$i")
  echo "kill $i after ${delay} s: ${kept:-0} cells kept at start, $now finished on disk"
  if [ "$now" -lt "$before" ]; then
    echo "FAIL: kill $i lost finished cells ($before before, $now after)" >&2; exit 1
  fi
  if [ -n "$kept" ] && [ "$kept" -ne "$before" ]; then
    echo "FAIL: resume $i kept $kept cells, $before were on disk" >&2; exit 1
  fi
  [ "${kept:-0}" -gt 0 ] && resumed_with_cells=$((resumed_with_cells + 1))
  before=$now
done
"$exe" run "$config" --out "$work/killed" --no-plots --quiet --resume 2>"$work/log-final" >/dev/null
kept=$(sed -n 's/.*: \([0-9]*\) finished cell(s) kept.*/\1/p' "$work/log-final")
echo "final resume: ${kept:-0} cells kept, the rest run"
[ "${kept:-0}" -gt 0 ] && resumed_with_cells=$((resumed_with_cells + 1))
if [ "$resumed_with_cells" -eq 0 ]; then
  echo "FAIL: no resume found a finished cell to keep: the kills tested nothing" >&2; exit 1
fi
/usr/bin/python3 "$(dirname "$0")/same_records.py" "$work/ref/$name/runs.jsonl" \
  "$work/killed/$name/runs.jsonl"
echo "PASS: $kills kills with kill -9, each resumed; no finished cell lost"
