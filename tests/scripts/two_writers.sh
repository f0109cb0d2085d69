#!/usr/bin/env bash
# Two `sgdbench run` of the same config into the same --out: the second refuses at once
# (exit 1, naming the holder's pid) and the first finishes a well-formed runs.jsonl.
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
wait "$first" || fail "the first writer failed: $(cat "$work/first")"
/usr/bin/python3 - "$work/out/$name/runs.jsonl" <<'PY'
import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
keys = [json.dumps({k: r.get(k) for k in ("type", "dataset", "variant", "batch_size", "lr", "seed",
                                          "phase", "grad_evals")}) for r in records]
assert len(keys) == len(set(keys)), "duplicated records"
print(f"PASS: second writer refused; the first wrote {len(records)} well-formed records")
PY
