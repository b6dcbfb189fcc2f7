// "cuda:wgmma": the plugin's Hopper GEMM (wgmma_gemm.cu) on one device, fp16/bf16 with fp32
// accumulation: buffers, TMA tensor maps of A and B (encoded once per upload), event timing.
#pragma once

#include <string>

#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/impl_names.h"
#include "kernels/cuda/stream_kernel.h"
#include "kernels/cuda/wgmma_launch.h"
#include "workloads/gemm_spec.h"

namespace aicert::cuda {

class WgmmaGemmKernel final : public StreamKernel {
 public:
  // Does not check support: callers do (gemm_unsupported_reason).
  WgmmaGemmKernel(const DeviceCaps& caps, const GemmSpec& spec);

  std::string_view impl() const override { return kWgmmaImpl; }
  // The buffers, then the launch arguments and tensor maps that follow them.
  void upload(const HostTensors& tensors) override;
  void run() override;

 private:
  GemmSpec spec_;
  WgmmaLaunch launch_;  // filled by upload()
};

}  // namespace aicert::cuda
