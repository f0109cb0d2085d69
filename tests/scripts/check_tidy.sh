#!/usr/bin/env bash
# clang-tidy (.clang-tidy: bugprone, performance, a few modernize checks, functions of at
# most 80 lines) over the code outside tests/: every translation unit of core/ and bench/,
# and enough generated variant groups to include every member header once. Any finding
# fails. Skipped (77) when clang-tidy is not installed (tests/run.sh installs it).
# Usage: check_tidy.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
command -v clang-tidy >/dev/null || { echo "clang-tidy not installed: skipped"; exit 77; }
files=$(/usr/bin/python3 - "$src" "$build" <<'PY'
import json, os, re, sys
src, build = (os.path.realpath(p) for p in sys.argv[1:3])
entries = json.load(open(os.path.join(build, "compile_commands.json")))
files = [e["file"] for e in entries]
own = [f for f in files if re.match(re.escape(src) + r"/(core|bench)/", f)]
# Generated groups: add one while it includes a member header not yet covered.
covered, groups = set(), sorted(f for f in files if "/variants/groups/" in f)
def headers(f):
    return set(re.findall(r'#include "([^"]+)"', open(f).read()))
while groups:
    best = max(groups, key=lambda g: len(headers(g) - covered))
    if not headers(best) - covered:
        break
    covered |= headers(best)
    own.append(best)
    groups.remove(best)
print("\n".join(own))
PY
)
count=$(wc -l <<<"$files")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
xargs -P 2 -n 1 clang-tidy -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option \
  --extra-arg=-Wno-c99-extensions <<<"$files" >"$log" 2>&1 || status=$?
if [[ $status -ne 0 ]] || grep -qE '(warning|error): ' "$log"; then
  grep -E '(warning|error): ' "$log" | sed 's/\x1b\[[0-9;]*m//g' | sort -u >&2
  echo "clang-tidy: findings in $count translation units (see above)" >&2
  exit 1
fi
echo "clang-tidy: $count translation units, 0 findings"
