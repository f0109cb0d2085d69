#!/usr/bin/env bash
# Two `sgdbench run` of the same config into the same --out: the second refuses at once
# (exit 1, naming the holder's pid), so does a verify of the folder meanwhile, and the first
# finishes a well-formed runs.jsonl.
#   tests/scripts/two_writers.sh SGDBENCH CONFIG
set -euo pipefail
exe=$1 config=$2
work=$(mktemp -d /tmp/sgdbench-lock.XXXXXX)
trap 'rm -rf "$work"' EXIT
name=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$config")
fail() { echo "FAIL: $*" >&2; exit 1; }

"$exe" run "$config" --out "$work/out" --no-plots --quiet >/dev/null 2>"$work/first" &
first=$!
for _ in $(seq 200); do  # until the first holds the lock (at most 20 s)
  [ -s "$work/out/$name/.sgdbench.lock" ] && break
  sleep 0.1
done
rc=0; "$exe" run "$config" --out "$work/out" --no-plots --quiet >/dev/null 2>"$work/second" || rc=$?
cat "$work/second"
[ "$rc" -eq 1 ] || fail "the second writer exited $rc, expected 1"
grep -q "in use by another sgdbench (pid $first " "$work/second" || fail "the holder is not named"
# A reader too (issue 42): verify of the folder being written names the writer, where it
# said "holds an interrupted run: finish it with --resume".
if [ ! -f "$work/out/$name/runs.jsonl" ]; then
  rc=0; "$exe" verify "$work/out/$name" >"$work/verify" 2>&1 || rc=$?
  cat "$work/verify"
  [ "$rc" -ne 0 ] || fail "verify of a folder being written exited 0"
  grep -q "in use by another sgdbench (pid $first " "$work/verify" ||
    fail "verify does not name the writer"
fi
wait "$first" || fail "the first writer failed: $(cat "$work/first")"
/usr/bin/python3 - "$work/out/$name/runs.jsonl" <<'PY'
import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
keys = [json.dumps({k: r.get(k) for k in ("type", "dataset", "variant", "batch_size", "lr", "seed",
                                          "phase", "grad_evals")}) for r in records]
assert len(keys) == len(set(keys)), "duplicated records"
print(f"PASS: second writer refused; the first wrote {len(records)} well-formed records")
PY
