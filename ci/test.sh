#!/usr/bin/env bash
# The test command: installs dependencies (Debian packages), builds with warnings as errors,
# and runs every test with ctest. Then builds and runs the GEMM/OpenCL unit suites again under
# AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${AICERT_JOBS:-2}"

ci/install-deps.sh

echo "== build (preset ci: release, -Werror)"
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"

echo "== test"
ctest --preset ci -j "$jobs" --timeout 600

if [ "${AICERT_SKIP_ASAN:-0}" != "1" ]; then
  echo "== test under ASan + UBSan"
  cmake --preset asan -DAICERT_WERROR=ON >/dev/null
  cmake --build --preset asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=0 ctest --preset asan -j "$jobs" --timeout 900
fi
