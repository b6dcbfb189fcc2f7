// AVX2 + FMA online-softmax step, 8 queries per vector. Built with -mavx2 -mfma; called only
// after a runtime check.
#include <immintrin.h>

#include "kernels/cpu/softmax_step.h"
#include "kernels/cpu/softmax_step_body.h"

namespace aicert::cpu {
namespace {

struct Avx2 {
  using V = __m256;
  static constexpr int kLanes = 8;
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V loadu(const float* p) { return _mm256_loadu_ps(p); }
  static void storeu(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V ge(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
  static V blend(V a, V b, V mask) { return _mm256_blendv_ps(a, b, mask); }  // mask ? b : a
  static V bit_and(V a, V mask) { return _mm256_and_ps(a, mask); }
  static V round(V x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  // p * 2^n for integral n in [-125, 0] and p near 1: add n to the exponent field.
  static V scale_by_pow2(V p, V n) {
    const __m256i e = _mm256_slli_epi32(_mm256_cvtps_epi32(n), 23);
    return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), e));
  }
};

void avx2_step(float* p, std::int64_t rows, std::int64_t nr, const float* key_limit, float* m,
               float* l, float* o, std::int64_t o_rows) {
  softmax_step_body<Avx2>(p, rows, nr, key_limit, m, l, o, o_rows);
}

}  // namespace

const SoftmaxStep& avx2_softmax_step() {
  static constexpr SoftmaxStep kStep{"avx2", Avx2::kLanes, &avx2_step};
  return kStep;
}

}  // namespace aicert::cpu
