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

// How a kernel wants its packed micro-panels (gemm_packing.h writes each):
//   fp32       element (lane, p) at [p * width + lane], fp32.
//   bf16_pairs bf16 inputs packed in pairs along K (AVX512_BF16's vdpbf16ps): 32-bit word
//              (q, lane) = element(lane, 2q) in its low half, element(lane, 2q + 1) in its high
//              half, at [q * width + lane]; depth zero-padded to the kernel's k_block.
//   bf16_amx   A in AMX tile rows: pairs as above, in blocks of 16 pairs (32 of K), and within a
//              block each lane's 16 words contiguous (one 64-byte tile row): word (q, lane) at
//              [(q / 16) * 16 * width + lane * 16 + q % 16]. B as bf16_pairs (its rows are the
//              VNNI rows TDPBF16PS takes, read with a stride of width words).
// The accumulation stays fp32 in every kernel.
enum class PanelFormat { fp32, bf16_pairs, bf16_amx };

struct MicroKernel {
  const char* isa;  // "amx_bf16", "avx512_bf16", "avx512", "avx2", "generic"
  int mr;           // rows of the C tile
  int nr;           // columns of the C tile (a multiple of the SIMD width)
  MicroKernelFn fn;
  PanelFormat format = PanelFormat::fp32;
  // The kernel consumes K in steps of this many elements; panels are zero-padded up to it and
  // the driver's KC is a multiple of it.
  int k_block = 1;
  // Called on a thread before it makes a run of fn calls (null: nothing to do). The AMX kernel
  // loads its tile configuration here: that state is per thread and other code on the thread
  // (oneDNN) may load another one between runs.
  void (*begin)() = nullptr;
  // Called on the thread after its run of fn calls (null: nothing to do). The AMX kernel
  // releases its tiles, so that the OS does not save and restore 8 KiB of tile data on every
  // context switch of an idle pool thread.
  void (*end)() = nullptr;
};

// 32-bit words (fp32 values or bf16 pairs) of one packed micro-panel kc deep and width wide.
// For the drivers only: an ISA-specific kernel file must not call it (an inline function used
// there could be emitted with that ISA and chosen by the linker for every caller).
inline std::int64_t panel_words(const MicroKernel& k, std::int64_t kc, int width) {
  const std::int64_t depth = (kc + k.k_block - 1) / k.k_block * k.k_block;
  return (k.format == PanelFormat::fp32 ? depth : depth / 2) * width;
}

// Largest tile any kernel uses: sizes the driver's stack buffer for edge tiles.
inline constexpr int kMaxMr = 32;
inline constexpr int kMaxNr = 32;

// One descriptor per ISA. Only call the returned fn on a CPU that has the ISA.
const MicroKernel& avx512_micro_kernel();
const MicroKernel& amx_bf16_micro_kernel();     // bf16 inputs only; needs amx_permitted()
const MicroKernel& avx512_bf16_micro_kernel();  // bf16 inputs only
const MicroKernel& avx2_micro_kernel();
const MicroKernel& generic_micro_kernel();

}  // namespace aicert::cpu
