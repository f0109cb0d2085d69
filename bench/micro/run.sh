#!/usr/bin/env bash
# Runs the micro-benchmarks (5 repetitions, medians) and writes results/micro/<CPU model>/
# (one folder per CPU model, bench/scripts/cpu_folder.py):
# benchmarks.json (Google Benchmark's JSON, for /usr/share/benchmark/compare.py) and
# summary.md (GFLOP/s per kernel and shape, SIMD/OpenBLAS and SIMD/scalar ratios).
# The repetitions of all benchmarks run in a random interleaved order, so that a slow
# spell of a shared host (a neighbour's load) falls on SIMD and OpenBLAS alike instead of
# on one side of a ratio: on the Intel Xeon host, mlp_dW1 measured 1.06x and 0.76x
# OpenBLAS in two sequential runs of the same kernels.
#   ./bench/micro/run.sh [extra sgdbench_micro flags]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$root/bench/scripts/setup.sh" release sgdbench_micro
out="$root/results/micro/$(/usr/bin/python3 "$root/bench/scripts/cpu_folder.py")"
mkdir -p "$out"
"$root/build/release/bench/micro/sgdbench_micro" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_min_time=0.1 \
  --benchmark_enable_random_interleaving=true \
  --benchmark_out="$out/benchmarks.json.partial" --benchmark_out_format=json "$@"
mv "$out/benchmarks.json.partial" "$out/benchmarks.json"
/usr/bin/python3 "$root/bench/micro/report.py" "$out/benchmarks.json" > "$out/summary.md.partial"
mv "$out/summary.md.partial" "$out/summary.md"
cat "$out/summary.md"
