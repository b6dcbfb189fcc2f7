#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time: the ctest label fuzz-smoke, and the body of
# run-fuzzers.sh. New inputs go to WORKDIR/corpus (seed folders are only read), a crash or a
# broken contract to WORKDIR/finding-*; copy a finding into tests/fuzz/regressions/<target>/
# once it is fixed, so that the regular build replays it forever.
# Usage: fuzz-smoke.sh FUZZER SECONDS WORKDIR SEED_DIR...
# AICERT_FUZZ_SEED: libFuzzer's random seed; 1 unless set (so that CI's short runs mutate alike
# each time); run-fuzzers.sh sets 0, a new seed each run.
set -euo pipefail
fuzzer="$1" seconds="$2" workdir="$3"
shift 3
mkdir -p "$workdir/corpus"
exec "$fuzzer" -seed="${AICERT_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix="$workdir/finding-" "$workdir/corpus" "$@"
