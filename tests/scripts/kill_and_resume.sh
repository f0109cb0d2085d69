#!/usr/bin/env bash
# A sweep killed with kill -9 at random points and resumed each time must end with the
# same runs.jsonl as an uninterrupted run (timings aside), and no kill may lose a
# finished cell: the finished cells on disk never decrease from one kill to the next.
#   tests/scripts/kill_and_resume.sh SGDBENCH CONFIG [KILLS=5] [MAX_DELAY_S=3] [SEED]
set -euo pipefail
exe=$1 config=$2 kills=${3:-5} max_delay=${4:-3} seed=${5:-$$}
work=$(mktemp -d /tmp/sgdbench-kill.XXXXXX)
trap 'rm -rf "$work"' EXIT
name=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$config")
RANDOM=$seed

"$exe" run "$config" --out "$work/ref" --no-plots --quiet >/dev/null
finished_cells() {  # complete run lines on disk (0 if none)
  local f="$work/killed/$name/runs.jsonl"
  [ -f "$f.partial" ] && f="$f.partial"
  if [ -f "$f" ]; then grep -c '"type":"run"' "$f" || true; else echo 0; fi
}
before=0
for ((i = 1; i <= kills; i++)); do
  delay=$((RANDOM % max_delay)).$(printf '%03d' $((RANDOM % 1000)))
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
  before=$now
done
"$exe" run "$config" --out "$work/killed" --no-plots --quiet --resume 2>"$work/log-final" >/dev/null
kept=$(sed -n 's/.*: \([0-9]*\) finished cell(s) kept.*/\1/p' "$work/log-final")
echo "final resume: ${kept:-0} cells kept, the rest run"
/usr/bin/python3 - "$work/ref/$name/runs.jsonl" "$work/killed/$name/runs.jsonl" <<'PY'
import json, sys
TIMING = {"train_seconds", "samples_per_second", "seconds"}
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in TIMING}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
a = [strip(json.loads(l)) for l in open(sys.argv[1])]
b = [strip(json.loads(l)) for l in open(sys.argv[2])]
runs = sum(r["type"] == "run" for r in a)
if a != b:
    diff = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    sys.exit(f"FAIL: resumed runs.jsonl differs from the uninterrupted run at line {diff + 1} "
             f"({len(a)} vs {len(b)} lines)")
print(f"PASS: {len(a)} records ({runs} runs) identical to the uninterrupted run, timings aside")
PY
