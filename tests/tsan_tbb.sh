#!/usr/bin/env bash
# Builds the installed oneTBB (Debian's libtbb12 source, same version) with
# -fsanitize=thread into build/tsan-tbb/lib, for the `tsan-tbb` test preset: with it TSan
# sees TBB's scheduler hand-offs and needs no suppressions (tests/tsan.supp explains).
#   ./tests/tsan_tbb.sh && cmake --preset tsan && cmake --build --preset tsan -j2 \
#     && ctest --preset tsan-tbb -R "determinism|tbb|variant"
# Needs dpkg-dev (dpkg-source) and network access to deb.debian.org; changes no system
# apt configuration (the source index is kept under build/tsan-tbb).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/build/tsan-tbb
version=$(dpkg-query -W -f='${Version}' libtbb12)
mkdir -p "$out/apt/lists/partial" "$out/apt/sources.list.d" "$out/lib"
cat > "$out/apt/sources.list.d/src.sources" <<SOURCES
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
apt_opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$out/apt/sources.list.d"
          -o "Dir::State::Lists=$out/apt/lists")
cd "$out"
apt-get "${apt_opts[@]}" update
apt-get "${apt_opts[@]}" source --download-only "onetbb=$version"
rm -rf src && dpkg-source -x onetbb_*.dsc src
cmake -S src -B tbb-build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="-O1 -g" \
  -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF
nice -n 10 cmake --build tbb-build --target tbb -j2
cp -a tbb-build/*_relwithdebinfo/libtbb.so* lib/
echo "instrumented oneTBB $version in $out/lib"
