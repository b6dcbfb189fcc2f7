#!/usr/bin/env bash
# The test command: installs dependencies (Debian packages), builds with warnings as errors,
# and runs every test with ctest. Then fuzzes every parser briefly (libFuzzer, clang-14, the
# ctest label fuzz-smoke; tests/fuzz/run-fuzzers.sh runs them longer), and builds and runs the
# suites again under AddressSanitizer + UndefinedBehaviorSanitizer (all but the CUDA plugin,
# whose tests cannot run without a GPU: its nvcc build is left out there to keep CI short).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${AICERT_JOBS:-2}"

ci/install-deps.sh

echo "== build (preset ci: release, -Werror)"
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"

echo "== test"
ctest --preset ci -j "$jobs" --timeout 600

if [ "${AICERT_SKIP_FUZZ:-0}" != "1" ]; then
  echo "== fuzz smoke (libFuzzer, clang-14, ASan + UBSan)"
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$jobs"
  ctest --preset fuzz -j "$jobs"
fi

if [ "${AICERT_SKIP_ASAN:-0}" != "1" ]; then
  echo "== test under ASan + UBSan"
  cmake --preset asan -DAICERT_WERROR=ON >/dev/null
  cmake --build --preset asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=0 ctest --preset asan -j "$jobs" --timeout 900
fi
