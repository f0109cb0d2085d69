#!/usr/bin/env bash
# cmake/build_info.cmake, which every build runs: the generated source names the commit
# checked out now and whether tracked files changed, and it is rewritten only when one of
# them changed (an untouched file recompiles nothing). Built in a throwaway git repository.
#   tests/scripts/build_info_follows_head.sh SOURCE_DIR
set -euo pipefail
src=$1
work=$(mktemp -d /tmp/sgdbench-build-info.XXXXXX)
trap 'rm -rf "$work"' EXIT
repo=$work/repo out=$work/build_info.cpp
mkdir -p "$repo/core" "$repo/results"
git -C "$repo" init -q
git_commit() { git -C "$repo" -c user.name=t -c user.email=t@t commit -qam "$1"; }
echo 1 >"$repo/core/a.cpp"; echo r >"$repo/results/r.csv"
git -C "$repo" add . && git_commit first
stamp() { cmake -DSOURCE_DIR="$repo" -DOUT="$out" -P "$src/cmake/build_info.cmake"; }
fail() { echo "FAIL: $*"; cat "$out"; exit 1; }
expect() {  # commit dirty
  grep -q "return \"$1\";" "$out" || fail "commit $1 not in $out"
  grep -q "return $2;" "$out" || fail "dirty $2 not in $out"
}

stamp; expect "$(git -C "$repo" rev-parse --short HEAD)" false
touch -d '2001-01-01' "$out"
stamp; [ "$(stat -c %Y "$out")" = "$(date -d 2001-01-01 +%s)" ] || fail "rewritten unchanged"

echo 2 >"$repo/core/a.cpp"
stamp; expect "$(git -C "$repo" rev-parse --short HEAD)" true
git_commit second
stamp; expect "$(git -C "$repo" rev-parse --short HEAD)" false
echo r2 >"$repo/results/r.csv"  # regenerated results are not a different build
stamp; expect "$(git -C "$repo" rev-parse --short HEAD)" false
echo "build_info follows HEAD: ok"
