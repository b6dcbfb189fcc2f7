#!/usr/bin/env bash
# Configures and builds aicert with a CMake preset (default: "default", release).
# Usage: ci/build.sh [preset]      e.g. ci/build.sh asan
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-default}"
jobs="${AICERT_JOBS:-$(nproc)}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
