// The fp32 vector peak loop in plain C++ (any CPU): 64 independent accumulators that the
// compiler keeps in whatever vector registers the baseline ISA has, a multiply and an add (or
// an FMA, where the baseline has one) per step; not std::fma, which without FMA hardware is a
// call into libm. No nominal estimate: what the compiler made of it is not known here.
#include "kernels/cpu/peak_loops.h"

namespace aicert::cpu {
namespace {

constexpr int kWidth = 64;

volatile float g_plus_one = 1.0f;  // see peak_loop_avx512.cpp

void generic_block(const float* x, float* y, std::int64_t steps, const void* a_values) {
  const float a = *static_cast<const float*>(a_values);
  const float plus = g_plus_one, minus = -plus;
  for (std::int64_t base = 0; base < kPeakLaneMultiple; base += kWidth) {
    float acc[kWidth];
    for (int i = 0; i < kWidth; ++i) acc[i] = x[base + i];
    for (int i = 0; i < kWidth; ++i) acc[i] = a * plus + acc[i];
    for (std::int64_t s = 1; s < steps; s += 2) {
      for (int i = 0; i < kWidth; ++i) acc[i] = a * minus + acc[i];
      for (int i = 0; i < kWidth; ++i) acc[i] = a * plus + acc[i];
    }
    for (int i = 0; i < kWidth; ++i) y[base + i] = acc[i];
  }
}

}  // namespace

const PeakLoop& generic_fp32_peak_loop() {
  static constexpr PeakLoop kLoop{"generic", PeakUnit::vector, DType::fp32, &generic_block,
                                  nullptr,   nullptr,          0,           ""};
  return kLoop;
}

}  // namespace aicert::cpu
