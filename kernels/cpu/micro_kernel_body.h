// The register-blocked GEMM inner loop, written once over an ISA "traits" type (vector type,
// load, broadcast, fma) and instantiated by each micro_kernel_<isa>.cpp under its own flags.
// Sharing the body means the AVX-512 kernel runs the same tested loop as the AVX2 one.
//
// Include only from a micro_kernel_<isa>.cpp and instantiate with a traits type declared in an
// anonymous namespace: the instantiation then has internal linkage and can never be merged by
// the linker with code built for another ISA. For the same reason nothing here calls a
// std:: inline function (its out-of-line copy could be built with the wider ISA and be picked
// for the whole plugin).
#pragma once

#include <cstdint>

namespace aicert::cpu {

// C = alpha * acc + beta * C for the MR x NV-vector tile (beta == 0: C is not read). Shared by
// every kernel, the bf16 one included, so the epilogue is the same tested code everywhere.
template <class Isa, int MR, int NV>
inline void micro_kernel_store(typename Isa::V (&acc)[MR][NV], float* c, std::int64_t ldc,
                               float alpha, float beta) {
  using V = typename Isa::V;
  constexpr int L = Isa::kLanes;
  // Opaque from here on: otherwise GCC computes the MR row addresses of C before the loop and
  // keeps them live across it, which spills a B vector of the AVX-512 kernel to the stack.
  __asm__("" : "+r"(c), "+r"(ldc));

  const V alpha_v = Isa::set1(alpha);
  if (beta == 0.0f) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) Isa::store(c + i * ldc + v * L, Isa::mul(alpha_v, acc[i][v]));
    }
  } else if (beta == 1.0f) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        float* cp = c + i * ldc + v * L;
        Isa::store(cp, Isa::fma(alpha_v, acc[i][v], Isa::loadu(cp)));
      }
    }
  } else {
    const V beta_v = Isa::set1(beta);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        float* cp = c + i * ldc + v * L;
        Isa::store(cp, Isa::fma(alpha_v, acc[i][v], Isa::mul(beta_v, Isa::loadu(cp))));
      }
    }
  }
}

// MR rows x NV vectors (NR = NV * Isa::kLanes) of accumulators stay in registers across kc.
template <class Isa, int MR, int NV>
inline void micro_kernel_body(std::int64_t kc, const float* a, const float* b, float* c,
                              std::int64_t ldc, float alpha, float beta) {
  using V = typename Isa::V;
  constexpr int L = Isa::kLanes;
  constexpr int NR = NV * L;

  V acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = Isa::zero();
  }
  // The tile of C is touched only at the end: start fetching it now.
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    __builtin_prefetch(c + i * ldc, 1, 3);
    __builtin_prefetch(c + i * ldc + NR - 1, 1, 3);
  }

  // One k step per iteration: unrolling by hand lets GCC interleave steps, which costs extra
  // registers and spills accumulators (seen with GCC 12); this loop compiles to exactly
  // NV loads, MR broadcasts, one prefetch and MR*NV FMAs, at the FMA ports' peak.
  for (std::int64_t p = 0; p < kc; ++p) {
    // The A micro-panel streams from L2: ask for it 16 steps ahead (measured on Sapphire
    // Rapids: +5-10% at 2048^3 and 4096^3 over the hardware prefetchers alone).
    __builtin_prefetch(a + 16 * MR, 0, 3);
    V bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = Isa::load(b + v * L);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const V av = Isa::broadcast(a + i);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = Isa::fma(av, bv[v], acc[i][v]);
    }
    a += MR;
    b += NR;
  }

  micro_kernel_store<Isa, MR, NV>(acc, c, ldc, alpha, beta);
}

}  // namespace aicert::cpu
