#!/usr/bin/env bash
# results/scale-out/: data-parallel SGD on MPI, measured on this machine and projected to
# a cluster. One command:
#   bench/scale_out/run.sh                 set-up, measure (about 3 minutes), project
#   bench/scale_out/run.sh --project-only  project again from the committed measurements
#                                          (after editing bench/scale_out/cluster.json)
# Measured: the alpha-beta probe (sgdbench_mpi_probe, 2 ranks), samples/s of the mpi policy
# on 1 and 2 ranks with the communication share, and the compute time of one softmax step
# per batch size. Projected: time per step and time to target for 1 ... 1024 workers, with
# the steps-to-target S(B) fitted in results/batch-scaling (bench/scale_out/scale_out.py).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$root/results/scale-out
raw=$out/raw
if [ "${1:-}" != "--project-only" ]; then
  "$root/bench/scripts/setup.sh" release sgdbench sgdbench_mpi_probe
  exe=$root/build/release/bench/sgdbench
  probe=$root/build/release/bench/sgdbench_mpi_probe
  mpi=(mpirun --oversubscribe --bind-to none)
  [ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
  tmp=$(mktemp -d /tmp/sgdbench-scale-out.XXXXXX)
  trap 'rm -rf "$tmp"' EXIT
  echo "scale-out: the alpha-beta probe on 2 ranks" >&2
  "${mpi[@]}" -np 2 "$probe" > "$tmp/probe.jsonl"
  # One JSON line per measurement, tagged with what was asked.
  measure() {  # WORKLOAD RANKS REP -- sgdbench throughput arguments
    local workload=$1 ranks=$2 rep=$3
    shift 4
    local line
    if [ "$ranks" -eq 1 ]; then line=$("$exe" throughput "$@")
    else line=$("${mpi[@]}" -np "$ranks" "$exe" throughput "$@"); fi
    echo "{\"workload\":\"$workload\",\"rep\":$rep,\"result\":$line}" >> "$tmp/throughput.jsonl"
  }
  for rep in 1 2 3; do
    echo "scale-out: data-parallel throughput, repeat $rep of 3" >&2
    for ranks in 1 2; do
      measure "softmax B=1024 per rank" $ranks $rep -- --variant softmax/plain/simd/mpi \
        --batch $((1024 * ranks)) --threads 1 --seconds 1.5
      measure "softmax full batch" $ranks $rep -- --variant softmax/plain/simd/mpi \
        --batch full --threads 1 --seconds 1.5
      measure "MLP 784-1024-1024-10 B=256 per rank" $ranks $rep -- \
        --variant mlp/plain/simd/mpi --widths 784,1024,1024,10 --batch $((256 * ranks)) \
        --threads 1 --seconds 1.5
    done
    # One rank, two TBB threads: what the second core gives without MPI.
    measure "softmax full batch" 1 $rep -- --variant softmax/plain/simd/tbb --batch full \
      --threads 2 --seconds 1.5
    # Compute per step of one worker (the projection's t_compute(b)).
    for b in 16 64 256 1024; do
      for rule in plain momentum; do
        measure "softmax $rule step" 1 $rep -- --variant softmax/$rule/simd/tbb --batch $b \
          --threads 1 --seconds 1
      done
    done
  done
  mkdir -p "$raw"
  "$exe" throughput --machine "$root/bench/scale_out/cluster.json" > "$tmp/machine.json"
  for f in probe.jsonl throughput.jsonl machine.json; do mv "$tmp/$f" "$raw/$f"; done
fi
/usr/bin/python3 "$root/bench/scale_out/scale_out.py" "$raw" "$out" \
  "$root/results/batch-scaling/runs.jsonl" "$root/bench/scale_out/cluster.json"
echo "scale-out: $out/summary.md, $out/plots/"
