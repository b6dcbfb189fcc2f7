// "cuda:tiled": the plugin's own GEMM (gemm_kernels.cu) on one device: the SIMT kernel for fp32,
// the tensor-core kernel for fp16 and bf16, fp32 accumulation, timed with CUDA events.
#pragma once

#include <string>

#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/impl_names.h"
#include "kernels/cuda/stream_kernel.h"
#include "workloads/gemm_spec.h"

namespace aicert::cuda {

class OwnGemmKernel final : public StreamKernel {
 public:
  // Does not check support: callers do (gemm_unsupported_reason).
  OwnGemmKernel(const DeviceCaps& caps, const GemmSpec& spec);

  std::string_view impl() const override { return kOwnImpl; }
  void run() override;

 private:
  GemmSpec spec_;
};

}  // namespace aicert::cuda
