#!/usr/bin/env bash
# Verifies every committed result and prints one table: result, what was compared,
# mismatches, seconds. An experiment (results/<name>/runs.jsonl from `sgdbench run`) is
# re-run with `sgdbench verify`: every record both ways, deterministic figures exactly,
# tables re-rendered. Timing-only results (peers, micro) cannot reproduce their numbers;
# their tables must be what their raw records render to. Exit 1 if anything mismatched.
#   ./bench/scripts/verify_all.sh [results/NAME ...]     (default: every folder under results/;
#   results/peers and results/micro stand for each of their CPU folders)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
exe="${SGDBENCH_EXE:-$root/build/release/bench/sgdbench}"
[ -x "$exe" ] || "$root/bench/scripts/setup.sh" release sgdbench sgdbench_micro >/dev/null
cd "$root"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(results/*/)
folders=()
for f in "${args[@]}"; do
  f=${f%/}
  case $(basename "$f") in
    # peers and micro hold one folder per CPU model (bench/scripts/cpu_folder.py)
    peers | micro) for sub in "$f"/*/; do [ -d "$sub" ] && folders+=("$sub"); done ;;
    *) folders+=("$f") ;;
  esac
done
work=$(mktemp -d /tmp/sgdbench-verify-all.XXXXXX)
trap 'rm -rf "$work"' EXIT

failed=0
rows=()
add_row() { rows+=("| $1 | $2 | $3 | $4 | $5 |"); }
for folder in "${folders[@]}"; do
  folder=${folder%/}
  name=$(basename "$folder")
  # results/peers/<CPU>/ and results/micro/<CPU>/ are checked as peers and micro
  case $(basename "$(dirname "$folder")") in peers | micro) name=$(basename "$(dirname "$folder")") ;; esac
  t0=$(date +%s.%N)
  log="$work/$name.log"
  if [ -f "$folder/runs.jsonl" ] && head -n 1 "$folder/runs.jsonl" | grep -q '"type":"experiment"'; then
    rc=0; "$exe" verify "$folder" >"$log" 2>&1 || rc=$?
    figures=$(sed -n 's/.* \([0-9]*\) figures compared exactly.*/\1/p' "$log" | head -1)
    mismatches=$(sed -n 's/.*, \([0-9]*\) mismatches.*/\1/p' "$log" | head -1)
    # verify's own verdict where mismatches were allowed (variants whose bits may differ
    # on this build) or fatal.
    note=$(grep -o -m1 'passes: all [0-9]* mismatches.*\|fails: [0-9]* mismatches.*' "$log" | cut -c1-120)
    [ "$rc" -eq 0 ] || { failed=1; [ -n "$note" ] || note=$(grep -m1 -v '^results' "$log" | cut -c1-120); }
    what="${figures:-0} figures"
  elif [ "$name" = peers ]; then
    # PyTorch and OpenBLAS timings: the tables must be those of runs.jsonl.
    rm -rf "$work/peers"
    cp -r "$folder" "$work/peers"
    rc=0; /usr/bin/python3 bench/peers/run_peers.py --report-only --out "$work/peers" >"$log" 2>&1 || rc=$?
    mismatches=0
    for f in summary.md summary.csv; do
      cmp -s "$folder/$f" "$work/peers/$f" || mismatches=$((mismatches + 1))
    done
    [ "$rc" -eq 0 ] || mismatches=$((mismatches + 1))
    what="2 tables re-rendered"; note="timings: tables checked against runs.jsonl"
  elif [ "$name" = micro ]; then
    rc=0; /usr/bin/python3 bench/micro/report.py "$folder/benchmarks.json" >"$work/micro.md" 2>"$log" || rc=$?
    mismatches=0
    cmp -s "$folder/summary.md" "$work/micro.md" || mismatches=1
    [ "$rc" -eq 0 ] || mismatches=$((mismatches + 1))
    what="1 table re-rendered"; note="timings: table checked against benchmarks.json"
  elif [ "$name" = scale-out ]; then
    # Timings and a projection: the tables must be what raw/ and batch-scaling render to.
    rc=0; /usr/bin/python3 bench/scale_out/scale_out.py "$folder/raw" "$work/scale-out" \
      results/batch-scaling/runs.jsonl bench/scale_out/cluster.json >"$log" 2>&1 || rc=$?
    mismatches=0
    for f in summary.md measured.csv projection.csv alpha_beta.json; do
      cmp -s "$folder/$f" "$work/scale-out/$f" || mismatches=$((mismatches + 1))
    done
    [ "$rc" -eq 0 ] || mismatches=$((mismatches + 1))
    what="4 files re-rendered"; note="timings: tables checked against raw/"
  else
    mismatches=1; what="nothing"; note="no runs.jsonl: not a result this script knows"
  fi
  [ "${mismatches:-1}" = 0 ] || failed=1
  seconds=$(echo "$t0" | awk -v t1="$(date +%s.%N)" '{printf "%.1f", t1 - $1}')
  add_row "$folder" "$what" "${mismatches:-?}" "$seconds" "${note:-}"
  echo "${rows[-1]}" >&2
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo
echo "Verified at git $(git rev-parse --short HEAD 2>/dev/null || echo '?') on ${cpu:-unknown CPU}:"
echo
echo "| result | compared | mismatches | seconds | note |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
exit $failed
