// The multiply-add loops of the peak workload on the host CPU (workloads/peak_spec.h), one per
// unit, dtype and ISA, each in its own file built with that ISA's flags and chosen at run time.
// A loop takes one block of kPeakLaneMultiple lanes: it loads the block's accumulators from x,
// runs the case's steps (+sum(A), -sum(A), ..., +sum(A)) in registers or tiles, and stores y.
#pragma once

#include <cstdint>
#include <string>

#include "workloads/peak_spec.h"

namespace aicert::cpu {

struct PeakLoop {
  const char* isa;  // "avx512f", "avx2", "avx512_bf16", "amx_bf16", "generic"
  PeakUnit unit;
  DType dtype;
  // One block: y[0, kPeakLaneMultiple) from x after `steps` steps with the depth() values a
  // (of the dtype).
  void (*block)(const float* x, float* y, std::int64_t steps, const void* a);
  // Around a thread's blocks (AMX: the tile configuration, and its release); may be null.
  void (*begin)();
  void (*end)();
  // The nominal estimate per core and cycle, and how it is made up (0: no estimate).
  double flops_per_cycle;
  const char* flops_formula;  // "2 FMA units x 16 fp32 lanes x 2 FLOP"
};

// The fastest loop this CPU runs for the unit and dtype, or null with the reason.
const PeakLoop* select_peak_loop(PeakUnit unit, DType dtype, std::string* why_not);

// The loops of each ISA file (x86 ones only where AICERT_CPU_X86_KERNELS is defined).
const PeakLoop& generic_fp32_peak_loop();
const PeakLoop& avx2_fp32_peak_loop();
const PeakLoop& avx512_fp32_peak_loop();
const PeakLoop& avx512_bf16_peak_loop();
const PeakLoop& amx_bf16_peak_loop();

}  // namespace aicert::cpu
