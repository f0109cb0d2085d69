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
for f in sgdbench plot.py plot_style.py plot_fits.py plot_profiles.py; do
  [ -f "$work/prefix/bin/$f" ] || fail "install left out $f"
done
# The real script runs from there (its modules beside it) ...
cp -r "$src/results/verify-smoke" "$work/real"
"$work/prefix/bin/sgdbench" report "$work/real" >/dev/null
[ -f "$work/real/plots/train_loss_vs_epoch.png" ] || fail "the installed plot.py drew nothing"
# ... and it is the one beside the binary that runs, not the source tree's.
# A stand-in plot.py that leaves a mark: the one the installed binary must run.
cat >"$work/prefix/bin/plot.py" <<'PY'
import pathlib, sys
pathlib.Path(sys.argv[1], "plotted-by-installed-plot.py").write_text("yes\n")
PY
cp -r "$src/results/verify-smoke" "$work/verify-smoke"
"$work/prefix/bin/sgdbench" report "$work/verify-smoke" >/dev/null
[ -f "$work/verify-smoke/plotted-by-installed-plot.py" ] || fail "report did not run the plot.py beside the binary"
echo "PASS: the installed binary plots with the plot.py installed beside it"
