// Whether the bf16-pair micro-kernel (vdpbf16ps) is worth running on this CPU, measured rather
// than assumed: vdpbf16ps does twice the multiply-adds of an fp32 FMA per instruction, but how
// many a core issues per cycle differs by microarchitecture (on the Sapphire Rapids this was
// written on it runs at half the fp32 FMA rate, so widening bf16 to fp32 is faster there). The
// two kernels race once per process on an L1-resident tile.
#pragma once

#include "kernels/cpu/micro_kernel.h"

namespace aicert::cpu {

struct Bf16KernelChoice {
  bool use_pairs = false;
  double speedup = 0;  // multiply-adds per second of the pair kernel / of the fp32 kernel
};

// Measured on the first call (a few milliseconds), the same answer afterwards. The pair kernel
// is chosen only when it is at least 10% faster, so that noise does not flip the choice.
const Bf16KernelChoice& bf16_kernel_choice(const MicroKernel& pairs, const MicroKernel& fp32);

}  // namespace aicert::cpu
