// Whether a bf16 micro-kernel (vdpbf16ps pairs, AMX tiles) is worth running on this CPU,
// measured rather than assumed: vdpbf16ps does twice the multiply-adds of an fp32 FMA per
// instruction, but how many a core issues per cycle differs by microarchitecture (on the
// Sapphire Rapids this was written on it runs at half the fp32 FMA rate, so widening bf16 to
// fp32 is faster there, while its AMX tiles run ~10x the fp32 kernel). Each bf16 kernel races
// the fp32 kernel once per process on an L1-resident tile.
#pragma once

#include "kernels/cpu/micro_kernel.h"

namespace aicert::cpu {

struct Bf16KernelChoice {
  bool use_bf16 = false;
  double speedup = 0;  // multiply-adds per second of the bf16 kernel / of the fp32 kernel
};

// Measured on the first call for `bf16` (a few milliseconds), the same answer afterwards; only
// call it for a kernel this CPU runs. The bf16 kernel is chosen only when it is at least 10%
// faster, so that noise does not flip the choice. Thread-safe.
const Bf16KernelChoice& bf16_kernel_choice(const MicroKernel& bf16, const MicroKernel& fp32);

}  // namespace aicert::cpu
