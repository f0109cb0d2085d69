#!/usr/bin/env bash
# The second README command: install what is missing, build Release with the tests,
# run the whole suite through CTest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# pdflatex compiles the LaTeX tables in a test (tests/scripts/latex_tables_compile.sh);
# clang-format checks the sources' format (tests/scripts/check_format.sh), clang-tidy
# their lint (tests/scripts/check_tidy.py).
export SGDBENCH_EXTRA_PACKAGES="${SGDBENCH_EXTRA_PACKAGES:-} texlive-latex-base texlive-latex-recommended clang-format clang-tidy"
"$root/bench/scripts/setup.sh" release
cd "$root"
ctest --preset release -j "$(nproc 2>/dev/null || echo 2)"
