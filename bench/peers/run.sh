#!/usr/bin/env bash
# The peer comparison of issue 7: sgdbench against PyTorch (Debian python3-torch) and
# against its own OpenBLAS-kernel variant, alternating in one session; writes
# results/peers/<CPU model>/ (summary.md, summary.csv, runs.jsonl, machine.json; one
# folder per CPU model, bench/scripts/cpu_folder.py, so hosts do not overwrite each
# other). About 15 minutes
# with the defaults. Never part of the tests.
#   ./bench/peers/run.sh [--reps 3] [--seconds 2] [--only nielsen]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SGDBENCH_EXTRA_PACKAGES=python3-torch "$root/bench/scripts/setup.sh" release sgdbench sgdbench_micro
exec /usr/bin/python3 "$root/bench/peers/run_peers.py" "$@"
