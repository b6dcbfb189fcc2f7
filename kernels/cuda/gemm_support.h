// Whether a CUDA GEMM implementation can run a spec on a device, decided before any launch:
// the reason becomes the case's not-supported verdict.
#pragma once

#include <string>
#include <string_view>

#include "kernels/cuda/device_caps.h"
#include "workloads/gemm_spec.h"

namespace aicert::cuda {

// The own kernels: SIMT for fp32, tensor cores (mma.sync) for fp16 and bf16.
inline constexpr std::string_view kOwnImpl = "cuda:tiled";
inline constexpr std::string_view kCublasLtImpl = "cuda:cublaslt";
// The Hopper kernel: TMA + wgmma, fp16 and bf16 only, compute capability 9.x (sm_90a).
inline constexpr std::string_view kWgmmaImpl = "cuda:wgmma";

// Empty when supported, else "not supported: <why>". `own_image_error` is what
// own_gemm_image_error() (for cuda:tiled) or wgmma_image_error() (for cuda:wgmma) said for the
// device (empty: the kernel has code for it).
std::string gemm_unsupported_reason(const DeviceCaps& caps, const GemmSpec& spec,
                                    std::string_view impl, const std::string& own_image_error);

}  // namespace aicert::cuda
