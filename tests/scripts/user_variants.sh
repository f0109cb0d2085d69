#!/usr/bin/env bash
# -DSGDBENCH_USER_VARIANTS=DIR compiles a user's rule in without editing the tree: a
# configure with tests/user_variants generates a group that includes its header and
# registers lsq/signum/simd/tbb, and that group compiles (the rule meets the Update
# concept: -fsyntax-only checks the templates and concepts, without generating code, 15 s
# against 22 s). The full build is left out to keep CTest short; the generated file is what
# a full build compiles.
# Usage: user_variants.sh SOURCE_DIR
set -euo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Only the variants matter here: no BLAS, benchmarks or tests (so nothing else is required).
lean=(-DSGDBENCH_WITH_BLAS=OFF -DSGDBENCH_BUILD_BENCHMARKS=OFF -DSGDBENCH_BUILD_TESTS=OFF)
cmake -S "$src" -B "$tmp" -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  "${lean[@]}" -DSGDBENCH_USER_VARIANTS="$src/tests/user_variants" \
  -DSGDBENCH_VARIANTS="lsq/plain/simd/tbb;lsq/signum/simd/tbb" >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; exit 1; }
group="$tmp/variants/groups/lsq_simd_tbb.cpp"
grep -q '#include "signum.hpp"' "$group"
grep -q 'make_variant<VariantTypes<M, Signum, K, E>>("lsq/signum/simd/tbb")' "$group"
[[ ! -e "$tmp/variants/groups/softmax_simd_tbb.cpp" ]]  # not asked for by SGDBENCH_VARIANTS
# Compile that one translation unit with the build's own command (checks only).
/usr/bin/python3 - "$tmp/compile_commands.json" "$group" <<'PY'
import json, subprocess, sys
commands, group = sys.argv[1], sys.argv[2]
entry = next(e for e in json.load(open(commands)) if e["file"] == group)
subprocess.run(entry["command"] + " -fsyntax-only", shell=True, cwd=entry["directory"], check=True)
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
echo "user variant lsq/signum/simd/tbb generated and compiled; an unknown member, an" \
  "unknown requires= and a member of an unread axis are refused"
