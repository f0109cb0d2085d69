#!/usr/bin/env bash
# The config reference's /update table (docs/config.md) is what the compiled rules declare:
# the block between the hyper-parameters markers equals `sgdbench list --hyper-parameters`.
# Usage: readme_hyper_params.sh SGDBENCH PAGE
set -euo pipefail
sgdbench=$1
readme=$2
declared=$("$sgdbench" list --hyper-parameters)
in_readme=$(sed -n '/^<!-- hyper-parameters:begin/,/^<!-- hyper-parameters:end/p' "$readme" | sed '1d;$d')
if [[ "$declared" != "$in_readme" ]]; then
  echo "$readme: its hyper-parameter table differs from what the rules declare:" >&2
  diff <(echo "$in_readme") <(echo "$declared") >&2 || true
  echo "refresh it with the output of: $sgdbench list --hyper-parameters" >&2
  exit 1
fi
rows=$(grep -c '^| `' <<<"$declared")
echo "$readme lists the $rows declared hyper-parameters"
