// Whether an OpenCL GEMM implementation can run a spec on a device, decided from the device's
// capabilities alone: the reason becomes the case's not-supported verdict.
#pragma once

#include <string>
#include <string_view>

#include "kernels/opencl/device_caps.h"
#include "kernels/opencl/impl_names.h"
#include "workloads/gemm_spec.h"

namespace aicert::opencl {

// Empty when supported, else "not supported: <why>".
std::string gemm_unsupported_reason(const DeviceCaps& caps, const GemmSpec& spec,
                                    std::string_view impl);

}  // namespace aicert::opencl
