#!/usr/bin/env bash
# The same bits on every instruction set, end to end (issue 37): an x86-64-v3 build (AVX2 +
# FMA, the SIMD variants of the committed results only) verifies results made with
# AVX-512 kernels, 0 mismatches: the quickstart (Nielsen's net), fashion-softmax (the
# one-pass kernel on bytes) and verify-simd-mlp (every GEMM path). On an AVX-512 machine
# (CI's) this runs the AVX2 kernels beside the native ones; on an AVX2-only one it is the
# native build's check. The small build lives in the build tree and is incremental.
# Skipped (77) where the CPU has no AVX2 and FMA to run it.
#   tests/scripts/avx2_build_verifies.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2/avx2-verify
if ! grep -qw avx2 /proc/cpuinfo || ! grep -qw fma /proc/cpuinfo; then
  echo "SKIP: this CPU has no AVX2 + FMA"; exit 77
fi
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSGDBENCH_ARCH=x86-64-v3 \
  -DSGDBENCH_VARIANTS="nielsen/plain/simd/tbb;softmax/plain/simd/tbb;mlp/plain/simd/tbb;mlp/adam/simd/tbb" \
  -DSGDBENCH_BUILD_TESTS=OFF -DSGDBENCH_BUILD_BENCHMARKS=OFF -DSGDBENCH_WITH_BLAS=OFF \
  -DSGDBENCH_WITH_MPI=OFF -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON >/dev/null
cmake --build "$build" --target sgdbench >/dev/null
exe=$build/bench/sgdbench
"$exe" list | grep -q "fma3+avx2" || { echo "FAIL: the build does not run AVX2 kernels" >&2; exit 1; }
for result in quickstart fashion-softmax verify-simd-mlp; do
  dir=$src/results/$result
  recorded=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["simd_arch"])' \
    "$dir/machine.json")
  out=$("$exe" verify "$dir" 2>&1) || { echo "$out"; echo "FAIL: $result does not verify with AVX2 kernels" >&2; exit 1; }
  echo "$out" | head -1
  echo "$out" | head -1 | grep -q ", 0 mismatches;" || { echo "FAIL: $result: mismatches" >&2; exit 1; }
  echo "  (made with $recorded kernels)"
done
echo "PASS: the AVX2 build verifies the committed SIMD results bit for bit"
