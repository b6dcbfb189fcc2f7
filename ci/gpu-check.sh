#!/usr/bin/env bash
# The GPU acceptance of the CUDA backend, run on a machine with an NVIDIA GPU from the bundle
# that ci/gpu-bundle.sh made (so the GPU machine needs only the driver and CUDA 13's libraries).
# Each stage has its own time limit and log; a summary table is printed last.
#
#   ci/gpu-check.sh OUT_DIR [STAGE...]
#   stages: info tests run bench certify certify-all certify-profile (default: all but the last
#   two, in order; certify-all certifies on every available backend, as ci/certify.sh does;
#   certify-profile certifies the cuda backend with AICERT_GPU_PROFILE, default standard, for at
#   most AICERT_GPU_CERTIFY_LIMIT seconds, default 500: a run cut short keeps its journal)
#   env: AICERT_GPU_BUNDLE (default .gpu-bundle), AICERT_GPU_TESTS / AICERT_GPU_BENCHES (names
#        of the test / bench executables, default every cuda_* one), AICERT_GPU_TEST_FILTER
#        (gtest filter), AICERT_GPU_TEST_TIMEOUT (seconds per test executable, default 500),
#        AICERT_GPU_BENCH_FILTER (benchmark filter)
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: ci/gpu-check.sh OUT_DIR [STAGE...]}"
shift
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(info tests run bench certify)
bundle="${AICERT_GPU_BUNDLE:-.gpu-bundle}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
summary="$out/summary.txt"
: >"$summary"
note() { echo "$*" | tee -a "$summary"; }

# The executables carry the absolute paths of the tree they were built in (plugin folder,
# profiles, test data): recreate that path here as a link to this checkout.
built_in="$(cat "$bundle/source-dir")"
if [ -e build/CMakeCache.txt ]; then
  echo "gpu-check: build/ here is a CMake build, not a bundle's; run it in a copy" >&2
  exit 2
fi
[ -e "$built_in" ] || { mkdir -p "$(dirname "$built_in")" && ln -s "$PWD" "$built_in"; }
rm -rf build "$out/.deps" && tar -xzf "$bundle/build.tar.gz" && tar -C "$out" -xJf "$bundle/deps.tar.xz" &&
  mv "$out/deps" "$out/.deps" || { echo "gpu-check: cannot unpack $bundle" >&2; exit 2; }

# CUDA's libraries from this machine (cuBLASLt, NCCL), matched to its driver.
cuda_dirs=""
for lib in libcublasLt.so.13 libnccl.so.2; do
  found="$(find /usr/local/cuda*/ /usr/lib /opt -name "$lib" 2>/dev/null | head -n1)"
  [ -n "$found" ] && cuda_dirs="$cuda_dirs:$(dirname "$found")"
done
# This machine's own Open MPI, when it has one, with its own components (mixing builds fails).
if ldconfig -p | grep -q 'libmpi\.so\.40 '; then rm -f "$out"/.deps/libmpi.so* "$out"/.deps/libopen-*; fi
export LD_LIBRARY_PATH="$out/.deps$cuda_dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
aicert=build/bin/aicert

stage() {  # stage NAME LIMIT_S COMMAND...: runs with a time limit, log in OUT/NAME.log
  local name="$1" limit="$2"
  shift 2
  local start=$SECONDS
  timeout -k 10 "$limit" "$@" >"$out/$name.log" 2>&1
  local rc=$?
  note "$(printf '%-40s rc=%-3s %4ss' "$name" "$rc" "$((SECONDS - start))")"
  return $rc
}

for s in "${stages[@]}"; do
  case "$s" in
    info)
      {
        nvidia-smi
        nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.draw,temperature.gpu --format=csv
        echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
        command -v mpirun && mpirun --version
        ldd build/lib/aicert/aicert-backend-cuda.so
      } >"$out/info.log" 2>&1
      stage list 60 "$aicert" list
      stage probe 60 "$aicert" probe
      ;;
    tests)
      for t in ${AICERT_GPU_TESTS:-build/tests/cuda_*_test}; do
        [ -x "$t" ] || t="build/tests/$t"
        stage "$(basename "$t")" "${AICERT_GPU_TEST_TIMEOUT:-500}" "$t" --gtest_filter="${AICERT_GPU_TEST_FILTER:-*}" \
          --gtest_output="xml:$out/$(basename "$t").xml"
        grep -E '^\[ +(PASSED|SKIPPED|FAILED) +\] [0-9]+ test|^\[  FAILED  \] [A-Za-z]' \
          "$out/$(basename "$t").log" | head -n 40 | tee -a "$summary"
      done
      ;;
    run)
      stage run-gemm 300 "$aicert" run --backend cuda --workload gemm \
        --shape 4096x4096x4096 --shape 1000x1000x1000 --out "$out/run-gemm.xml"
      stage run-attention 300 "$aicert" run --backend cuda --workload attention \
        --out "$out/run-attention.xml"
      stage run-collective 300 "$aicert" run --backend cuda --workload collective --ranks 1 \
        --max-bytes 16777216 --size-factor 16 --out "$out/run-collective.xml"
      ;;
    bench)
      for b in ${AICERT_GPU_BENCHES:-build/bench/cuda_*_bench}; do
        [ -x "$b" ] || b="build/bench/$b"
        stage "$(basename "$b")" 400 "$b" --benchmark_filter="${AICERT_GPU_BENCH_FILTER:-.}"
        tail -n 8 "$out/$(basename "$b").log" | tee -a "$summary"
      done
      ;;
    certify)
      stage certify-cuda 500 "$aicert" certify --backend cuda --out "$out/certify-cuda"
      tail -n 5 "$out/certify-cuda.log" | tee -a "$summary"
      ;;
    certify-all)
      stage certify-all 500 "$aicert" certify --out "$out/certify-all"
      tail -n 8 "$out/certify-all.log" | tee -a "$summary"
      ;;
    certify-profile)
      stage "certify-${AICERT_GPU_PROFILE:-standard}" "${AICERT_GPU_CERTIFY_LIMIT:-500}" \
        "$aicert" certify --profile "${AICERT_GPU_PROFILE:-standard}" --backend cuda \
        --out "$out/certify-${AICERT_GPU_PROFILE:-standard}"
      tail -n 8 "$out/certify-${AICERT_GPU_PROFILE:-standard}.log" | tee -a "$summary"
      ;;
    *) echo "gpu-check: unknown stage $s" >&2; exit 2 ;;
  esac
done
tar -C "$out" -czf "$out/logs.tar.gz" --exclude logs.tar.gz --exclude .deps . 2>/dev/null
rm -rf "$out/.deps"
echo "== summary"
cat "$summary"
