// bf16 vector peak loop on AVX512-BF16 (built with -mavx512f -mavx512bf16): VDPBF16PS adds a
// pair of bf16 products to each fp32 lane, 16 zmm accumulators per pass. A's two values are the
// pair in every lane; the weights are the pairs (+1, +1) and (-1, -1). Nominal: one VDPBF16PS
// per cycle (two uops on the two FMA ports) x 16 lanes x 2 products x 2 FLOP = 64 FLOP per core
// and cycle. Measured on this project's Sapphire-Rapids-class CI VM: one every two cycles, half
// the FMA's FLOP rate whatever the number of accumulators (8 to 28): the estimate says what the
// unit should do, the measurement what it does.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/cpu/peak_loops.h"

namespace aicert::cpu {
namespace {

constexpr int kRegs = 16;
constexpr int kLanes = 16 * kRegs;

volatile std::uint32_t g_plus_pair = 0x3f803f80u;  // bf16 (1.0, 1.0), see peak_loop_avx512.cpp

void avx512_bf16_block(const float* x, float* y, std::int64_t steps, const void* a_values) {
  std::uint32_t pair = 0;
  std::memcpy(&pair, a_values, sizeof pair);  // A[0] low half, A[1] high half
  const __m512bh a = (__m512bh)_mm512_set1_epi32(static_cast<int>(pair));
  const std::uint32_t plus_bits = g_plus_pair;
  const __m512bh plus = (__m512bh)_mm512_set1_epi32(static_cast<int>(plus_bits));
  const __m512bh minus = (__m512bh)_mm512_set1_epi32(static_cast<int>(plus_bits | 0x80008000u));
  for (std::int64_t base = 0; base < kPeakLaneMultiple; base += kLanes) {
    __m512 acc[kRegs];
#pragma GCC unroll 16
    for (int r = 0; r < kRegs; ++r) acc[r] = _mm512_loadu_ps(x + base + 16 * r);
#pragma GCC unroll 16
    for (int r = 0; r < kRegs; ++r) acc[r] = _mm512_dpbf16_ps(acc[r], a, plus);
    for (std::int64_t s = 1; s < steps; s += 2) {
#pragma GCC unroll 16
      for (int r = 0; r < kRegs; ++r) acc[r] = _mm512_dpbf16_ps(acc[r], a, minus);
#pragma GCC unroll 16
      for (int r = 0; r < kRegs; ++r) acc[r] = _mm512_dpbf16_ps(acc[r], a, plus);
    }
#pragma GCC unroll 16
    for (int r = 0; r < kRegs; ++r) _mm512_storeu_ps(y + base + 16 * r, acc[r]);
  }
}

}  // namespace

const PeakLoop& avx512_bf16_peak_loop() {
  static constexpr PeakLoop kLoop{"avx512_bf16", PeakUnit::vector, DType::bf16,
                                  &avx512_bf16_block, nullptr, nullptr, 64,
                                  "1 VDPBF16PS a cycle x 16 fp32 lanes x 2 bf16 products x 2 FLOP"};
  return kLoop;
}

}  // namespace aicert::cpu
