// Portable micro-kernel, 4x8, for CPUs without AVX2: GCC vector extensions of 4 floats, which
// lower to the baseline SIMD of the target (SSE2 on x86-64, NEON on AArch64) or to scalar code.
#include "kernels/cpu/micro_kernel.h"
#include "kernels/cpu/micro_kernel_body.h"

namespace aicert::cpu {
namespace {

struct Generic {
  typedef float V __attribute__((vector_size(16), aligned(4)));
  static constexpr int kLanes = 4;
  static V zero() { return V{0.0f, 0.0f, 0.0f, 0.0f}; }
  static V set1(float x) { return V{x, x, x, x}; }
  static V load(const float* p) { return *reinterpret_cast<const V*>(p); }
  static V loadu(const float* p) { return *reinterpret_cast<const V*>(p); }
  static void store(float* p, V v) { *reinterpret_cast<V*>(p) = v; }
  static V broadcast(const float* p) { return set1(*p); }
  static V fma(V a, V b, V c) { return a * b + c; }
  static V mul(V a, V b) { return a * b; }
};

constexpr int kMr = 4;
constexpr int kNv = 2;

void generic_4x8(std::int64_t kc, const float* a, const float* b, float* c, std::int64_t ldc,
                 float alpha, float beta) {
  micro_kernel_body<Generic, kMr, kNv>(kc, a, b, c, ldc, alpha, beta);
}

}  // namespace

const MicroKernel& generic_micro_kernel() {
  static constexpr MicroKernel kKernel{"generic", kMr, kNv * Generic::kLanes, &generic_4x8};
  return kKernel;
}

}  // namespace aicert::cpu
