#!/usr/bin/env bash
# Builds the Debian packages of aicert into DIR (default dist/): aicert and one aicert-<backend>
# per backend plugin this build has (ci/packaging/packages.cmake). Uses the build folder of the
# ci preset (configures and builds it when needed); dpkg-shlibdeps computes the dependencies.
#   ci/package.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-dist}")"
jobs="${AICERT_JOBS:-2}"

ci/install-deps.sh
if [ ! -f build/CMakeCache.txt ]; then cmake --preset ci >/dev/null; fi
cmake --build build -j "$jobs"
mkdir -p "$out"
(cd build && cpack -G DEB -B "$out" >/dev/null)
rm -rf "$out/_CPack_Packages"
ls "$out"/*.deb
