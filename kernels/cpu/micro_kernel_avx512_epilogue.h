// The AVX-512 operations of micro_kernel_store (micro_kernel_body.h) for the kernels whose inner
// loop is not the shared FMA body (vdpbf16ps, AMX tiles) but whose epilogue is.
//
// Include only from a micro_kernel_<isa>.cpp built with -mavx512f. The traits type sits in an
// anonymous namespace on purpose: each including file gets its own copy with internal linkage,
// which the linker cannot merge with code built for another ISA (micro_kernel_body.h).
#pragma once

#include <immintrin.h>

namespace aicert::cpu {
namespace {

struct Avx512Epilogue {
  using V = __m512;
  static constexpr int kLanes = 16;
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V loadu(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
};

}  // namespace
}  // namespace aicert::cpu
