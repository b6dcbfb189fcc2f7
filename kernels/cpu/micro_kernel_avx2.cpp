// AVX2 + FMA micro-kernel, 6x16: 12 ymm accumulators, 2 ymm of B and 1 broadcast of A per step
// (15 of 16 registers). Built with -mavx2 -mfma; called only after a runtime check.
#include <immintrin.h>

#include "kernels/cpu/micro_kernel.h"
#include "kernels/cpu/micro_kernel_body.h"

namespace aicert::cpu {
namespace {

struct Avx2 {
  using V = __m256;
  static constexpr int kLanes = 8;
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V load(const float* p) { return _mm256_load_ps(p); }  // packed panels: aligned
  static V loadu(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
};

constexpr int kMr = 6;
constexpr int kNv = 2;

void avx2_6x16(std::int64_t kc, const float* a, const float* b, float* c, std::int64_t ldc,
               float alpha, float beta) {
  micro_kernel_body<Avx2, kMr, kNv>(kc, a, b, c, ldc, alpha, beta);
}

}  // namespace

const MicroKernel& avx2_micro_kernel() {
  static constexpr MicroKernel kKernel{"avx2", kMr, kNv * Avx2::kLanes, &avx2_6x16};
  return kKernel;
}

}  // namespace aicert::cpu
