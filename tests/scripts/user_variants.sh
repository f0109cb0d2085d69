#!/usr/bin/env bash
# -DSGDBENCH_USER_VARIANTS=DIR compiles a user's rule in without editing the tree: a
# configure with tests/user_variants generates a group that includes its header and
# registers lsq/signum/simd/tbb; a lean build of sgdbench with that variant alone (no BLAS,
# benchmarks or tests; about a minute on 2 cores) lists it and trains with it: signSGD at
# B = 10 brings a least-squares loss below a tenth of its start.
# Usage: user_variants.sh SOURCE_DIR
set -euo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Only the variants matter here: no BLAS, benchmarks or tests (so nothing else is required).
lean=(-DSGDBENCH_WITH_BLAS=OFF -DSGDBENCH_BUILD_BENCHMARKS=OFF -DSGDBENCH_BUILD_TESTS=OFF)
cmake -S "$src" -B "$tmp" -DCMAKE_BUILD_TYPE=Release \
  "${lean[@]}" -DSGDBENCH_USER_VARIANTS="$src/tests/user_variants" \
  -DSGDBENCH_VARIANTS="lsq/plain/simd/tbb;lsq/signum/simd/tbb" >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; exit 1; }
group="$tmp/variants/groups/lsq_simd_tbb.cpp"
grep -q '#include "signum.hpp"' "$group"
grep -q 'make_variant<VariantTypes<M, Signum, K, E>>("lsq/signum/simd/tbb")' "$group"
[[ ! -e "$tmp/variants/groups/softmax_simd_tbb.cpp" ]]  # not asked for by SGDBENCH_VARIANTS
# Build the binary with the user's rule and train with it.
cmake --build "$tmp" --target sgdbench --parallel "$(nproc)" >"$tmp/build.log" 2>&1 || { tail -50 "$tmp/build.log"; exit 1; }
"$tmp/bench/sgdbench" list | grep -q '^lsq/signum/simd/tbb '
cat >"$tmp/signum.json" <<'JSON'
{"name": "signum", "dataset": {"name": "synthetic-lsq", "train": 500, "test": 100, "d": 8,
 "condition": 10}, "variants": ["lsq/signum/simd/tbb"],
 "sweep": {"batch_size": [10], "lr": [0.01], "seed": [0]}, "budget": {"epochs": 20}}
JSON
"$tmp/bench/sgdbench" run "$tmp/signum.json" --out "$tmp/out" --quiet --no-plots >/dev/null
/usr/bin/python3 - "$tmp/out/signum/runs.jsonl" <<'PY'
import json, sys
points = [json.loads(l) for l in open(sys.argv[1]) if '"type":"point"' in l]
first, last = points[0]["train_loss"], points[-1]["train_loss"]
assert last < 0.1 * first, f"signSGD: train loss {first} -> {last}"
print(f"lsq/signum/simd/tbb trained: train loss {first:.4g} -> {last:.4g}")
PY
# refused LINE MESSAGE: a user list holding LINE fails to configure, saying MESSAGE.
refused() {
  local dir
  dir=$(mktemp -d -p "$tmp")
  printf '%s\n' "$1" >"$dir/variants.list"
  if cmake -S "$src" -B "$dir/build" "${lean[@]}" -DSGDBENCH_USER_VARIANTS="$dir" \
    >"$dir/log" 2>&1; then
    echo "configured without an error: $1" >&2
    exit 1
  fi
  # (CMake wraps long messages: join the lines before looking.)
  tr -s '\n ' ' ' <"$dir/log" | grep -qF "$2" || { cat "$dir/log" >&2; exit 1; }
}
# A variant line naming no member: the error names the file and line.
refused 'variant lsq nosuchrule simd tbb' "variants.list:1: no member line for update 'nosuchrule'"
# A requires= that names no option of the build (a typo would drop variants silently).
refused 'member kernels fast Fast fast.hpp requires=SGDBENCH_WITH_BLSA' \
  "got 'requires=SGDBENCH_WITH_BLSA'"
# A member of an axis no variant line reads (issue 39: it was silently ignored).
refused 'member batching huge Huge huge.hpp' "variants.list:1: member axis 'batching'"
echo "user variant lsq/signum/simd/tbb generated, built and trained; an unknown member, an" \
  "unknown requires= and a member of an unread axis are refused"
