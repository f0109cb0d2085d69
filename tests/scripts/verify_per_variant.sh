#!/usr/bin/env bash
# verify per variant (issue 42, row 8): each variant's figures and mismatches, and whether
# its bits must hold on this build. A mismatch of a variant whose bits may differ here (a
# blas variant made with another OpenBLAS core type) is reported and does not fail verify;
# a mismatch where the bits must hold (scalar kernels) fails it, and verify says so.
#   tests/scripts/verify_per_variant.sh SGDBENCH SOURCE_DIR
set -euo pipefail
exe=$1 src=$2
work=$(mktemp -d /tmp/sgdbench-verify-variants.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
/usr/bin/python3 - "$src/configs/verify-smoke.json" "$work/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["name"] = "per-variant"
c["variants"] = ["nielsen/plain/scalar/seq", "nielsen/plain/blas/tbb"]
c["sweep"]["seed"] = [0, 1]
json.dump(c, open(sys.argv[2], "w"), indent=2)
PY
"$exe" run "$work/config.json" --out "$work/out" --quiet --no-plots >/dev/null 2>&1
dir=$work/out/per-variant
cp "$dir/runs.jsonl" "$work/runs.clean"
# Changes the last point's train_loss of `variant` in runs.jsonl (and says on what core
# the result was made), then re-renders the tables from it.
tamper() {
  /usr/bin/python3 - "$dir" "$1" "$2" <<'PY'
import json, sys
d, variant, core = sys.argv[1:]
lines = [json.loads(l) for l in open(d + "/runs.jsonl")]
i = max(k for k, r in enumerate(lines) if r.get("type") == "point" and r.get("variant") == variant)
lines[i]["train_loss"] = lines[i]["train_loss"] * 1.5 + 1.0
open(d + "/runs.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in lines))
m = json.load(open(d + "/machine.json"))
m["openblas_core"] = core if core != "elsewhere" else m.get("openblas_core", "") + "-elsewhere"
json.dump(m, open(d + "/machine.json", "w"), indent=2)
PY
  "$exe" report "$dir" --no-plots >/dev/null
}
tamper nielsen/plain/blas/tbb elsewhere  # a core name no machine has
rc=0; "$exe" verify "$dir" >"$work/blas.log" 2>&1 || rc=$?
cat "$work/blas.log"
[ "$rc" -eq 0 ] || fail "a blas mismatch under another OpenBLAS core failed verify (exit $rc)"
grep -q "nielsen/plain/blas/tbb: [0-9]* figures, 1 mismatches; may differ on this build (OpenBLAS's [A-Za-z0-9]*-elsewhere kernels there" "$work/blas.log" ||
  fail "the blas variant's line does not say its bits may differ"
grep -q "nielsen/plain/scalar/seq: [0-9]* figures, 0 mismatches; must match on this build" "$work/blas.log" ||
  fail "the scalar variant's line does not say its bits must match"
grep -q "passes: all 1 mismatches" "$work/blas.log" || fail "verify does not say why it passes"

cp "$work/runs.clean" "$dir/runs.jsonl"
tamper nielsen/plain/scalar/seq Haswell
rc=0; "$exe" verify "$dir" >"$work/scalar.log" 2>&1 || rc=$?
cat "$work/scalar.log"
[ "$rc" -eq 1 ] || fail "a scalar mismatch passed verify (exit $rc)"
grep -q "fails: 1 mismatches where the bits must hold on this build" "$work/scalar.log" ||
  fail "verify does not say why it fails"
echo "PASS: mismatches are tallied per variant; only those that must hold fail verify"
