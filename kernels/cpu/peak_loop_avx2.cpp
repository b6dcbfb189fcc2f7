// fp32 vector peak loop on AVX2 + FMA (built with -mavx2 -mfma): 12 ymm accumulators (96 lanes)
// per pass, covering the latency of two 256-bit FMA units (Haswell on: 4-5 cycles x 2).
// Nominal: 2 FMA units x 8 lanes x 2 FLOP = 32 FLOP per core and cycle (Zen 1 has 128-bit
// units: the estimate is then twice the truth).
#include <immintrin.h>

#include "kernels/cpu/peak_loops.h"

namespace aicert::cpu {
namespace {

constexpr int kRegs = 12;
constexpr int kLanes = 8 * kRegs;

volatile float g_plus_one = 1.0f;  // see peak_loop_avx512.cpp

// One pass of R registers (8 lanes each) from x to y.
template <int R>
void avx2_pass(const float* x, float* y, std::int64_t steps, __m256 a, __m256 plus,
               __m256 minus) {
  __m256 acc[R];
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) acc[r] = _mm256_loadu_ps(x + 8 * r);
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) acc[r] = _mm256_fmadd_ps(a, plus, acc[r]);
  for (std::int64_t s = 1; s < steps; s += 2) {
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) acc[r] = _mm256_fmadd_ps(a, minus, acc[r]);
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) acc[r] = _mm256_fmadd_ps(a, plus, acc[r]);
  }
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) _mm256_storeu_ps(y + 8 * r, acc[r]);
}

void avx2_block(const float* x, float* y, std::int64_t steps, const void* a_values) {
  const __m256 a = _mm256_set1_ps(*static_cast<const float*>(a_values));
  const __m256 plus = _mm256_set1_ps(g_plus_one);
  const __m256 minus = _mm256_sub_ps(_mm256_setzero_ps(), plus);
  // 1024 lanes = 10 passes of 96 and one of 64 (the last pass takes 8 registers).
  std::int64_t base = 0;
  for (; base + kLanes <= kPeakLaneMultiple; base += kLanes) {
    avx2_pass<kRegs>(x + base, y + base, steps, a, plus, minus);
  }
  constexpr int kTail = (kPeakLaneMultiple % kLanes) / 8;
  avx2_pass<kTail>(x + base, y + base, steps, a, plus, minus);
}

}  // namespace

const PeakLoop& avx2_fp32_peak_loop() {
  static constexpr PeakLoop kLoop{"avx2", PeakUnit::vector, DType::fp32, &avx2_block, nullptr,
                                  nullptr, 32, "2 FMA units x 8 fp32 lanes x 2 FLOP"};
  return kLoop;
}

}  // namespace aicert::cpu
