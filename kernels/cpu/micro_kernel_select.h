// Runtime ISA dispatch: picks the widest micro-kernel this CPU can run, so one plugin binary
// runs on AVX2-only and AVX-512 machines alike (and on CPUs with neither).
#pragma once

#include <string>
#include <string_view>

#include "kernels/cpu/micro_kernel.h"
#include "workloads/dtype.h"

namespace aicert::cpu {

// Environment variable that forces a kernel by ISA name ("avx512", "avx2", "generic"), so the
// narrower kernels can be run and checked on a machine that has the wider ones.
inline constexpr const char* kIsaOverrideEnv = "AICERT_CPU_GEMM_ISA";

// forced empty: the best kernel for this CPU. Otherwise the kernel of that name, or null with
// the reason in *why_not when the name is unknown or this CPU lacks the ISA.
const MicroKernel* select_micro_kernel(std::string_view forced, std::string* why_not);

// select_micro_kernel() with the override from the environment (if set).
const MicroKernel* select_micro_kernel_from_env(std::string* why_not);

// The kernel for a GEMM of `dtype` inputs: for bf16 the first of the AMX-BF16 and AVX512_BF16
// kernels that the CPU runs and that measures faster than the fp32 kernel on widened inputs (bf16_kernel_choice.h; unless
// the override names another ISA), else select_micro_kernel_from_env(). The overrides
// "amx_bf16" and "avx512_bf16" mean that kernel for bf16 and the avx512 one for other dtypes.
const MicroKernel* select_gemm_micro_kernel(DType dtype, std::string* why_not);

// For the device's properties: each bf16 kernel of this build and whether it runs here, with
// its measured speed against the fp32 kernel ("amx_bf16 9.60x the fp32 kernel; avx512_bf16
// 0.51x"), or why it cannot run.
std::string describe_bf16_kernels();

}  // namespace aicert::cpu
