#!/usr/bin/env bash
# One command for a fresh machine: installs dependencies, builds aicert, and runs the default
# set on every backend present. Prints one line per case and where the report is.
# Usage: ci/certify.sh [extra aicert run options], e.g. ci/certify.sh --backend cpu
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh
ci/build.sh default >/dev/null
exec build/bin/aicert run --out "${AICERT_REPORT:-aicert-report.xml}" "$@"
