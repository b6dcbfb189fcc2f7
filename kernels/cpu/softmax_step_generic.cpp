// Portable online-softmax step, one query at a time, for CPUs without AVX2. Masks are floats
// whose bits are all ones (true) or all zeros (false), as in the SIMD versions.
#include <cstdint>

#include "kernels/cpu/softmax_step.h"
#include "kernels/cpu/softmax_step_body.h"

namespace aicert::cpu {
namespace {

struct Scalar {
  using V = float;
  static constexpr int kLanes = 1;
  static std::uint32_t bits(float x) { return __builtin_bit_cast(std::uint32_t, x); }
  static float from_bits(std::uint32_t u) { return __builtin_bit_cast(float, u); }
  static V set1(float x) { return x; }
  static V loadu(const float* p) { return *p; }
  static void storeu(float* p, V v) { *p = v; }
  static V max(V a, V b) { return a > b ? a : b; }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V fma(V a, V b, V c) { return __builtin_fmaf(a, b, c); }
  static V ge(V a, V b) { return from_bits(a >= b ? 0xffffffffu : 0u); }
  static V blend(V a, V b, V mask) { return bits(mask) != 0 ? b : a; }
  static V bit_and(V a, V mask) { return from_bits(bits(a) & bits(mask)); }
  static V round(V x) { return __builtin_rintf(x); }
  static V scale_by_pow2(V p, V n) {
    return from_bits(bits(p) + (static_cast<std::uint32_t>(static_cast<std::int32_t>(n)) << 23));
  }
};

void generic_step(float* p, std::int64_t rows, std::int64_t nr, const float* key_limit, float* m,
                  float* l, float* o, std::int64_t o_rows) {
  softmax_step_body<Scalar>(p, rows, nr, key_limit, m, l, o, o_rows);
}

}  // namespace

const SoftmaxStep& generic_softmax_step() {
  static constexpr SoftmaxStep kStep{"generic", Scalar::kLanes, &generic_step};
  return kStep;
}

}  // namespace aicert::cpu
