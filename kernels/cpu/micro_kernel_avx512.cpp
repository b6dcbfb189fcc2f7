// AVX-512F micro-kernel, 12x32: 24 zmm accumulators, 2 zmm of B and 1 broadcast of A per step
// (27 of 32 registers). Built with -mavx512f; called only after a runtime check.
#include <immintrin.h>

#include "kernels/cpu/micro_kernel.h"
#include "kernels/cpu/micro_kernel_body.h"

namespace aicert::cpu {
namespace {

struct Avx512 {
  using V = __m512;
  static constexpr int kLanes = 16;
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V load(const float* p) { return _mm512_load_ps(p); }  // packed panels: aligned
  static V loadu(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
};

constexpr int kMr = 12;
constexpr int kNv = 2;

void avx512_12x32(std::int64_t kc, const float* a, const float* b, float* c, std::int64_t ldc,
                  float alpha, float beta) {
  micro_kernel_body<Avx512, kMr, kNv>(kc, a, b, c, ldc, alpha, beta);
}

}  // namespace

const MicroKernel& avx512_micro_kernel() {
  static constexpr MicroKernel kKernel{"avx512", kMr, kNv * Avx512::kLanes, &avx512_12x32};
  return kKernel;
}

}  // namespace aicert::cpu
