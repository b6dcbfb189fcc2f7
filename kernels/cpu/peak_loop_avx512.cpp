// fp32 vector peak loop on AVX-512 (built with -mavx512f): 16 zmm accumulators (256 lanes) per
// pass, one VFMADD231PS each per step, enough independent chains to cover the FMA latency of
// two 512-bit FMA units. Nominal: 2 FMA units x 16 lanes x 2 FLOP = 64 FLOP per core and cycle
// (Xeon Gold 6xxx/Platinum, Sapphire Rapids and later, Zen 5; some Silver/Bronze parts have
// one unit, and Zen 4 runs 512-bit FMAs in two halves: the estimate is then twice the truth).
#include <immintrin.h>

#include "kernels/cpu/peak_loops.h"

namespace aicert::cpu {
namespace {

constexpr int kRegs = 16;
constexpr int kLanes = 16 * kRegs;

// +1 and -1 from memory the compiler cannot see through, so that it keeps the FMAs as FMAs.
volatile float g_plus_one = 1.0f;

void avx512_block(const float* x, float* y, std::int64_t steps, const void* a_values) {
  const __m512 a = _mm512_set1_ps(*static_cast<const float*>(a_values));
  const __m512 plus = _mm512_set1_ps(g_plus_one);
  const __m512 minus = _mm512_sub_ps(_mm512_setzero_ps(), plus);
  for (std::int64_t base = 0; base < kPeakLaneMultiple; base += kLanes) {
    __m512 acc[kRegs];
#pragma GCC unroll 16
    for (int r = 0; r < kRegs; ++r) acc[r] = _mm512_loadu_ps(x + base + 16 * r);
#pragma GCC unroll 16
    for (int r = 0; r < kRegs; ++r) acc[r] = _mm512_fmadd_ps(a, plus, acc[r]);
    for (std::int64_t s = 1; s < steps; s += 2) {
#pragma GCC unroll 16
      for (int r = 0; r < kRegs; ++r) acc[r] = _mm512_fmadd_ps(a, minus, acc[r]);
#pragma GCC unroll 16
      for (int r = 0; r < kRegs; ++r) acc[r] = _mm512_fmadd_ps(a, plus, acc[r]);
    }
#pragma GCC unroll 16
    for (int r = 0; r < kRegs; ++r) _mm512_storeu_ps(y + base + 16 * r, acc[r]);
  }
}

}  // namespace

const PeakLoop& avx512_fp32_peak_loop() {
  static constexpr PeakLoop kLoop{"avx512f", PeakUnit::vector, DType::fp32, &avx512_block, nullptr,
                                  nullptr, 64, "2 FMA units x 16 fp32 lanes x 2 FLOP"};
  return kLoop;
}

}  // namespace aicert::cpu
