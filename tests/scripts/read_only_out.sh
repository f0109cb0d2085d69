#!/usr/bin/env bash
# `run --out` on a read-only file system: a plain error naming the path, before any
# training, and exit 1 (not "unexpected error: filesystem error", not a crash). The
# read-only folder is a bind mount in a private mount namespace (unshare -m, as root);
# where that is not allowed the test is skipped (exit 77), since root ignores chmod.
#   tests/scripts/read_only_out.sh SGDBENCH CONFIG
set -euo pipefail
exe=$1 config=$2
work=$(mktemp -d /tmp/sgdbench-ro.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The folder exists (an earlier result): the lock file is the first write that fails.
name=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$config")
mkdir -p "$work/out/$name"
if ! unshare -m sh -c "mount --bind '$work/out' '$work/out' && mount -o remount,bind,ro '$work/out'" 2>/dev/null; then
  echo "SKIP: cannot make a read-only bind mount here (needs root and unshare -m)"; exit 77
fi
rc=0
unshare -m sh -c "mount --bind '$work/out' '$work/out' && mount -o remount,bind,ro '$work/out' &&
  '$exe' run '$config' --out '$work/out' --quiet --no-plots" >"$work/log" 2>&1 || rc=$?
cat "$work/log"
[ "$rc" -eq 1 ] || { echo "FAIL: exit $rc, expected 1" >&2; exit 1; }
grep -q "sgdbench: error: $work/out/.*Read-only file system" "$work/log" ||
  { echo "FAIL: the error does not name the path and the cause" >&2; exit 1; }
echo "PASS: a read-only --out is a plain error naming the path"
