#!/usr/bin/env bash
# One command for a fresh machine: installs dependencies, builds aicert, and certifies this
# machine with the quick profile on every backend present. Prints one line per case, the
# verdict and where the report is.
# Usage: ci/certify.sh [extra aicert certify options], e.g. ci/certify.sh --profile standard
# The output folder is aicert-out/ (or $AICERT_OUT); an earlier run there is moved aside.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh
ci/build.sh default >/dev/null
out="${AICERT_OUT:-aicert-out}"
if [ -e "$out/journal" ]; then
  mv "$out" "$out.$(date +%Y%m%d-%H%M%S)"
fi
profile=(--profile quick)
for arg in "$@"; do
  case "$arg" in --profile|--profile=*|-p) profile=() ;; esac
done
exec build/bin/aicert certify "${profile[@]}" --out "$out" "$@"
