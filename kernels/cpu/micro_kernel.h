// The GEMM micro-kernel contract: one MR x NR tile of C from packed panels of A and B.
// Each ISA's kernel lives in its own source file built with that ISA's compiler flags; the
// blocked driver only ever calls it through this descriptor, after a runtime CPU check.
#pragma once

#include <cstdint>

namespace aicert::cpu {

// c[i*ldc + j] = alpha * sum_p a[p*MR + i] * b[p*NR + j] + beta * c[i*ldc + j], for the full
// MR x NR tile. beta == 0 means C is not read (a NaN already in C does not propagate).
// a: MR-row micro-panel of A, kc columns; b: NR-column micro-panel of B, kc rows; both packed
// fp32 and 64-byte aligned. c needs no alignment.
using MicroKernelFn = void (*)(std::int64_t kc, const float* a, const float* b, float* c,
                               std::int64_t ldc, float alpha, float beta);

// bf16_pairs kernels (AVX512_BF16's vdpbf16ps) take bf16 inputs packed in pairs along K
// instead of fp32: a and b point at 32-bit words, word (p, lane) = element(lane, 2p) in its low
// half and element(lane, 2p + 1) in its high half (0 past kc), ceil(kc / 2) rows of MR (or NR)
// words; pack_panel_bf16_pairs writes them. The accumulation stays fp32.
struct MicroKernel {
  const char* isa;  // "avx512_bf16", "avx512", "avx2", "generic": what the driver runs here
  int mr;           // rows of the C tile
  int nr;           // columns of the C tile (a multiple of the SIMD width)
  MicroKernelFn fn;
  bool bf16_pairs = false;
};

// Largest tile any kernel uses: sizes the driver's stack buffer for edge tiles.
inline constexpr int kMaxMr = 16;
inline constexpr int kMaxNr = 32;

// One descriptor per ISA. Only call the returned fn on a CPU that has the ISA.
const MicroKernel& avx512_micro_kernel();
const MicroKernel& avx512_bf16_micro_kernel();  // bf16 inputs only
const MicroKernel& avx2_micro_kernel();
const MicroKernel& generic_micro_kernel();

}  // namespace aicert::cpu
