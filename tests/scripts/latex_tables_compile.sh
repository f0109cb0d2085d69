#!/usr/bin/env bash
# Every committed summary.tex, and one made from a config whose labels hold every LaTeX
# special character, compiles in a minimal article with booktabs (pdflatex from Debian's
# texlive-latex-base and texlive-latex-recommended; tests/run.sh installs them). A table
# that does not compile is a bug a user finds on a paper deadline.
#   tests/scripts/latex_tables_compile.sh SGDBENCH SOURCE_DIR
set -euo pipefail
exe=$1 src=$2
work=$(mktemp -d /tmp/sgdbench-latex.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v pdflatex >/dev/null || fail "pdflatex missing: apt-get install texlive-latex-base texlive-latex-recommended"

# A table with hostile labels, the tuning table and missed / not-applicable targets.
/usr/bin/python3 - "$src/tests/configs/resume-sweep.json" "$work/hostile.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["name"] = "hostile"
c["datasets"][0]["label"] = "a_b & 50% #1 ~x^2 {c} $ \\ ± − ≤"
c["datasets"][1]["targets"] = {"test_accuracy": [0.99]}
c["variants"] = [{"variant": "nielsen/plain/scalar/seq", "label": "SGD_1/t <=>|"}]
c["sweep"]["batch_size"] = [16, "full"]
json.dump(c, open(sys.argv[2], "w"))
PY
"$exe" run "$work/hostile.json" --out "$work/out" --no-plots --quiet >/dev/null
tables=("$work/out/hostile/summary.tex")
for t in "$src"/results/*/summary.tex; do tables+=("$t"); done

for t in "${tables[@]}"; do
  {
    echo '\documentclass{article}'
    echo '\usepackage{booktabs}'
    echo '\begin{document}'
    echo "\\input{$t}"
    echo '\end{document}'
  } >"$work/doc.tex"
  if ! (cd "$work" && pdflatex -interaction=nonstopmode -halt-on-error doc.tex >/dev/null 2>&1); then
    grep -m5 -A3 '^!' "$work/doc.log" >&2 || true
    fail "$t does not compile"
  fi
  if grep -q 'Missing character' "$work/doc.log"; then
    grep -m3 'Missing character' "$work/doc.log" >&2
    fail "$t has characters the font lacks"
  fi
  echo "compiles: $t"
done
echo "PASS: ${#tables[@]} tables compile"
