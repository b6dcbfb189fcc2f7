// AVX512_BF16 micro-kernel, 12x32, for bf16 inputs: vdpbf16ps multiplies 16 pairs of bf16 and
// adds both products to 16 fp32 accumulators, twice the multiply-adds of an fp32 FMA per
// instruction. A and B come packed in pairs along K (micro_kernel.h); per pair of K steps: 2 zmm
// of B, 1 broadcast 32-bit pair of A per row, 24 vdpbf16ps into 24 zmm accumulators. Built with
// -mavx512f -mavx512bf16; called only after a runtime check. The accumulation is fp32 like the
// other kernels (vdpbf16ps rounds each pair's sum to fp32 with round-to-nearest-even and
// flushes denormals, both within the bound the GEMM check allows for fp32 accumulation).
#include <immintrin.h>

#include "kernels/cpu/micro_kernel.h"
#include "kernels/cpu/micro_kernel_avx512_epilogue.h"
#include "kernels/cpu/micro_kernel_body.h"

namespace aicert::cpu {
namespace {

constexpr int kMr = 12;
constexpr int kNv = 2;
constexpr int kNr = kNv * Avx512Epilogue::kLanes;

void avx512_bf16_12x32(std::int64_t kc, const float* a_words, const float* b_words, float* c,
                       std::int64_t ldc, float alpha, float beta) {
  const auto* a = reinterpret_cast<const std::uint32_t*>(a_words);
  const auto* b = reinterpret_cast<const __m512i*>(b_words);
  __m512 acc[kMr][kNv];
#pragma GCC unroll 16
  for (int i = 0; i < kMr; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < kNv; ++v) acc[i][v] = _mm512_setzero_ps();
  }
#pragma GCC unroll 16
  for (int i = 0; i < kMr; ++i) {
    __builtin_prefetch(c + i * ldc, 1, 3);
    __builtin_prefetch(c + i * ldc + kNr - 1, 1, 3);
  }
  const std::int64_t pairs = (kc + 1) / 2;
  for (std::int64_t p = 0; p < pairs; ++p) {
    __m512bh bv[kNv];
#pragma GCC unroll 4
    for (int v = 0; v < kNv; ++v) bv[v] = (__m512bh)_mm512_load_si512(b + v);
#pragma GCC unroll 16
    for (int i = 0; i < kMr; ++i) {
      const __m512bh av = (__m512bh)_mm512_set1_epi32(static_cast<int>(a[i]));
#pragma GCC unroll 4
      for (int v = 0; v < kNv; ++v) acc[i][v] = _mm512_dpbf16_ps(acc[i][v], av, bv[v]);
    }
    a += kMr;
    b += kNv;
  }
  micro_kernel_store<Avx512Epilogue, kMr, kNv>(acc, c, ldc, alpha, beta);
}

}  // namespace

const MicroKernel& avx512_bf16_micro_kernel() {
  static constexpr MicroKernel kKernel{"avx512_bf16", kMr, kNr, &avx512_bf16_12x32,
                                       PanelFormat::bf16_pairs, 2};
  return kKernel;
}

}  // namespace aicert::cpu
