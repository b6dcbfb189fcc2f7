// Whether a CUDA GEMM implementation can run a spec on a device, decided before any launch:
// the reason becomes the case's not-supported verdict.
#pragma once

#include <string>
#include <string_view>

#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/impl_names.h"
#include "workloads/gemm_spec.h"

namespace aicert::cuda {

// Empty when supported, else "not supported: <why>". `own_image_error` is what
// own_gemm_image_error() (for cuda:tiled) or wgmma_image_error() (for cuda:wgmma) said for the
// device (empty: the kernel has code for it).
std::string gemm_unsupported_reason(const DeviceCaps& caps, const GemmSpec& spec,
                                    std::string_view impl, const std::string& own_image_error);

}  // namespace aicert::cuda
