#!/usr/bin/env bash
# The first README command: install what is missing, build Release, run an experiment
# (default: the quickstart), plot it, and say where its tables and plots are.
#   ./bench/run.sh [configs/NAME.json]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
config=${1:-configs/quickstart.json}
"$root/bench/scripts/setup.sh" release sgdbench sgdbench_micro
cd "$root"
name=$(build/release/bench/sgdbench validate "$config" >/dev/null && \
       /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$config")
# An earlier run of this command that was interrupted (Ctrl-C, a kill) is finished, not
# started over: its finished cells are kept.
resume=()
[ -f "results/$name/runs.jsonl.partial" ] && resume=(--resume)
build/release/bench/sgdbench run "$config" "${resume[@]}"
echo
echo "tables:            results/$name/summary.md (.csv, .tex)"
echo "plots:             results/$name/plots/"
echo "raw metric points: results/$name/runs.jsonl; machine: results/$name/machine.json"
echo "micro-benchmarks:  ./bench/micro/run.sh (results/micro/)"
