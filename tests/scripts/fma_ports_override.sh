#!/usr/bin/env bash
# The packed GEMM's register tile follows the core's FMA ports (fma_ports.hpp), recorded
# in machine.json: SGDBENCH_FMA_PORTS=1 and =2 pick the one- and two-port tiles (NR 32
# and 48 with AVX-512; AVX2 keeps its 6 × 16 tile and records the count), give the same
# records (no bit depends on
# the tile), and a malformed value is a plain error naming the variable, exit 1, before
# anything is written.
#   tests/scripts/fma_ports_override.sh SGDBENCH CONFIG
set -euo pipefail
exe=$1 config=$2
work=$(mktemp -d /tmp/sgdbench-ports.XXXXXX)
trap 'rm -rf "$work"' EXIT
name=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$config")
for ports in 1 2; do
  SGDBENCH_FMA_PORTS=$ports "$exe" run "$config" --out "$work/p$ports" --quiet --no-plots
done
blocking() {
  /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gemm_blocking"])' \
    "$work/p$1/$name/machine.json"
}
arch=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["simd_arch"])' \
  "$work/p1/$name/machine.json")
for ports in 1 2; do
  echo "$ports: $(blocking $ports)"
  blocking "$ports" | grep -q "from $ports FMA port(s) (SGDBENCH_FMA_PORTS)" ||
    { echo "FAIL: machine.json does not record $ports port(s) from the override" >&2; exit 1; }
done
if [[ $arch == avx512* ]]; then
  blocking 1 | grep -q "NR=32 " || { echo "FAIL: one port, AVX-512: NR is not 32" >&2; exit 1; }
  blocking 2 | grep -q "NR=48 " || { echo "FAIL: two ports, AVX-512: NR is not 48" >&2; exit 1; }
elif [[ $arch == *avx2* ]]; then
  for ports in 1 2; do
    blocking "$ports" | grep -q "MR=6 NR=16 " || { echo "FAIL: AVX2: the tile is not 6 x 16" >&2; exit 1; }
  done
fi
/usr/bin/python3 "$(dirname "$0")/same_records.py" "$work/p1/$name/runs.jsonl" "$work/p2/$name/runs.jsonl"
rc=0
SGDBENCH_FMA_PORTS=3 "$exe" run "$config" --out "$work/bad" --quiet --no-plots >"$work/log" 2>&1 ||
  rc=$?
cat "$work/log"
[ "$rc" -eq 1 ] || { echo "FAIL: SGDBENCH_FMA_PORTS=3 exited $rc, expected 1" >&2; exit 1; }
grep -q "sgdbench: error: SGDBENCH_FMA_PORTS: expected 1 or 2, got '3'" "$work/log" ||
  { echo "FAIL: the error does not name the variable and the value" >&2; exit 1; }
[ ! -e "$work/bad" ] || { echo "FAIL: the bad value left $work/bad behind" >&2; exit 1; }
echo "PASS: the FMA ports pick the tile, recorded; the records agree; a bad value is an error"
