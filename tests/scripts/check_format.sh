#!/usr/bin/env bash
# Every C++ source and header is formatted by the repository's .clang-format (Debian 12's
# clang-format 14): a difference fails, naming the file and line.
#   tests/scripts/check_format.sh SOURCE_DIR
set -euo pipefail
cd "$1"
command -v clang-format >/dev/null || { echo "FAIL: clang-format missing (apt-get install clang-format)" >&2; exit 1; }
mapfile -t files < <(find core variants bench tests -name '*.cpp' -o -name '*.hpp' | sort)
clang-format --dry-run --Werror "${files[@]}"
echo "PASS: ${#files[@]} files formatted as .clang-format says"
