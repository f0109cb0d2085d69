#!/usr/bin/env bash
# The peer comparison of issue 7: sgdbench against PyTorch (Debian python3-torch) and
# against its own OpenBLAS-kernel variant, alternating in one session; writes
# results/peers/<CPU model>/ (summary.md, summary.csv, runs.jsonl, machine.json; one
# folder per CPU model, bench/scripts/cpu_folder.py, so hosts do not overwrite each
# other). About 15 minutes
# with the defaults. Never part of the tests.
# --isa avx2: the x86-64-v3 build (the `avx2` preset, build/avx2/) against PyTorch held to
# AVX2, into results/peers/<CPU model>-avx2/ (run_peers.py says how).
#   ./bench/peers/run.sh [--reps 3] [--seconds 2] [--only nielsen] [--isa avx2]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
preset=release
args=("$@")
for i in "${!args[@]}"; do
  case ${args[$i]} in
    --isa=avx2) preset=avx2 ;;
    --isa) [ "${args[$((i + 1))]:-}" = avx2 ] && preset=avx2 ;;
  esac
done
SGDBENCH_EXTRA_PACKAGES=python3-torch "$root/bench/scripts/setup.sh" "$preset" sgdbench sgdbench_micro
exec /usr/bin/python3 "$root/bench/peers/run_peers.py" "$@"
