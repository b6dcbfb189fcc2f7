#!/usr/bin/env bash
# Fuzzes the parsers for longer than CI's fuzz-smoke does: builds the fuzz preset (clang-14,
# libFuzzer, ASan+UBSan) and runs each target for SECONDS (default 600), one after another.
# Corpora grow in build-fuzz/fuzz-runs/<target>/corpus and persist between runs; findings land
# in build-fuzz/fuzz-runs/<target>/finding-*, and the final statistics of each target (runs,
# coverage) in build-fuzz/fuzz-runs/<target>/log.
# Usage: tests/fuzz/run-fuzzers.sh [SECONDS] [TARGET...]   (targets: see CMakeLists.txt)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(profile report journal worker_protocol shape_grammar ledger)
fi
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "${AICERT_JOBS:-2}"

status=0
for t in "${targets[@]}"; do
  work="build-fuzz/fuzz-runs/$t"
  mkdir -p "$work"
  # The seed folders and past findings are those the fuzz-smoke test of the target reads.
  mapfile -t inputs < <(sed -n "s|.*fuzz-smoke.sh\" \"[^\"]*fuzz_${t}\" \"[0-9]*\" \"[^\"]*\" \(.*\))\$|\1|p" \
    build-fuzz/tests/fuzz/CTestTestfile.cmake | tr -d '"' | tr ' ' '\n')
  echo "== fuzz_$t for ${seconds} s"
  if AICERT_FUZZ_SEED="${AICERT_FUZZ_SEED:-0}" tests/fuzz/fuzz-smoke.sh "build-fuzz/bin/fuzz_$t" "$seconds" "$work" "${inputs[@]}" \
      >"$work/log" 2>&1; then
    grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+.*DONE" "$work/log" || true
  else
    echo "fuzz_$t: FINDING (see $work/log and $work/finding-*)"
    tail -30 "$work/log"
    status=1
  fi
done
exit $status
