#!/usr/bin/env bash
# `cmake --install` puts sgdbench and plot.py side by side, and the installed binary's
# `report` runs that plot.py, not the source tree's: the binary works without the tree.
#   tests/scripts/installed_binary_plots.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d /tmp/sgdbench-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cmake --install "$build" --prefix "$work/prefix" >/dev/null
[ -x "$work/prefix/bin/sgdbench" ] && [ -f "$work/prefix/bin/plot.py" ] || fail "install left out sgdbench or plot.py"
# A stand-in plot.py that leaves a mark: the one the installed binary must run.
cat >"$work/prefix/bin/plot.py" <<'PY'
import pathlib, sys
pathlib.Path(sys.argv[1], "plotted-by-installed-plot.py").write_text("yes\n")
PY
cp -r "$src/results/verify-smoke" "$work/verify-smoke"
"$work/prefix/bin/sgdbench" report "$work/verify-smoke" >/dev/null
[ -f "$work/verify-smoke/plotted-by-installed-plot.py" ] || fail "report did not run the plot.py beside the binary"
echo "PASS: the installed binary plots with the plot.py installed beside it"
