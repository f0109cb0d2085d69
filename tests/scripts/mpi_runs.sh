#!/usr/bin/env bash
# sgdbench under mpirun (Open MPI), three checks chosen by the first argument:
#   cells SGDBENCH CONFIG     mpirun -np 2 writes the runs.jsonl of one process (timings aside),
#                             and a --resume of the complete folder ends at once (the worker
#                             ranks are released even when no cell is left to run)
#   bits SGDBENCH CONFIG      every .../mpi run equals its .../tbb twin on 1, 2 and 3 ranks,
#                             and the three files are the same; a seconds budget is refused
#   kill SGDBENCH CONFIG      a worker rank killed with kill -9 ends the job with an error;
#                             --resume (on 2 ranks) then completes the one-process file
set -euo pipefail
mode=$1 exe=$2 config=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/sgdbench-mpi.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
name=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$config")
# --bind-to none: a rank sees every core (mpirun binds each rank to one by default, and
# "all cores", threads 0, must mean the same as in the one-process run).
mpi=(mpirun --oversubscribe --bind-to none)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
same() { /usr/bin/python3 "$here/same_records.py" "$@"; }

case $mode in
cells)
  "$exe" run "$config" --out "$work/one" --no-plots --quiet >/dev/null
  "${mpi[@]}" -np 2 "$exe" run "$config" --out "$work/two" --no-plots --quiet >/dev/null
  grep -q '"mode": "cells"' "$work/two/$name/machine.json" ||
    { echo "FAIL: machine.json does not record the 2 ranks" >&2; exit 1; }
  same "$work/one/$name/runs.jsonl" "$work/two/$name/runs.jsonl"
  timeout 120 "${mpi[@]}" -np 2 "$exe" run "$config" --out "$work/two" --no-plots --quiet \
    --resume >/dev/null || { echo "FAIL: --resume of a complete run did not end (rc $?)" >&2; exit 1; }
  ;;
bits)
  for n in 1 2 3; do
    "${mpi[@]}" -np $n "$exe" run "$config" --out "$work/np$n" --no-plots --quiet >/dev/null
    echo "$n rank(s):"
    (cd "$here" && /usr/bin/python3 mpi_matches_tbb.py "$work/np$n/$name/runs.jsonl")
  done
  same "$work/np1/$name/runs.jsonl" "$work/np2/$name/runs.jsonl"
  same "$work/np1/$name/runs.jsonl" "$work/np3/$name/runs.jsonl"
  # A time budget would stop each rank on its own clock: refused, not deadlocked.
  /usr/bin/python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["budget"] = {"seconds": 1}
json.dump(c, open(sys.argv[2], "w"))' "$config" "$work/seconds.json"
  if timeout 120 "${mpi[@]}" -np 2 "$exe" run "$work/seconds.json" --out "$work/sec" --quiet \
    --no-plots >/dev/null 2>"$work/sec.log"; then
    echo "FAIL: a seconds budget ran under the mpi policy on 2 ranks" >&2; exit 1
  fi
  grep -q "/budget/seconds" "$work/sec.log" ||
    { echo "FAIL: no error names /budget/seconds:" >&2; cat "$work/sec.log" >&2; exit 1; }
  ;;
kill)
  "$exe" run "$config" --out "$work/ref" --no-plots --quiet >/dev/null
  partial="$work/run/$name/runs.jsonl.partial"
  "${mpi[@]}" -np 3 "$exe" run "$config" --out "$work/run" --no-plots --quiet \
    >/dev/null 2>"$work/log" &
  launcher=$!
  # Wait for two finished cells on disk, then kill -9 the rank-1 worker.
  for _ in $(seq 600); do
    [ -f "$partial" ] && [ "$(grep -c '"type":"run"' "$partial" || true)" -ge 2 ] && break
    sleep 0.05
  done
  victim=""
  for pid in $(pgrep -P "$launcher"); do
    if tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1'; then
      victim=$pid
    fi
  done
  [ -n "$victim" ] || { echo "FAIL: no rank-1 process under mpirun $launcher" >&2; exit 1; }
  kill -9 "$victim"
  rc=0
  wait "$launcher" || rc=$?
  if [ "$rc" -eq 0 ]; then echo "FAIL: the job exited 0 after rank 1 was killed" >&2; exit 1; fi
  grep -qi "signal 9\|killed" "$work/log" ||
    { echo "FAIL: no error names the killed rank:" >&2; cat "$work/log" >&2; exit 1; }
  kept_before=$(grep -c '"type":"run"' "$partial" || true)
  echo "rank 1 killed: mpirun exited $rc; $kept_before finished cells on disk"
  "${mpi[@]}" -np 2 "$exe" run "$config" --out "$work/run" --no-plots --quiet --resume \
    >/dev/null 2>"$work/log2"
  kept=$(sed -n 's/.*: \([0-9]*\) finished cell(s) kept.*/\1/p' "$work/log2")
  echo "resumed on 2 ranks: ${kept:-0} cells kept"
  [ "${kept:-0}" -ge 2 ] || { echo "FAIL: the resume kept ${kept:-0} cells" >&2; exit 1; }
  same "$work/ref/$name/runs.jsonl" "$work/run/$name/runs.jsonl"
  ;;
*) echo "usage: $0 cells|bits|kill SGDBENCH CONFIG" >&2; exit 2 ;;
esac
echo "PASS: $mode"
