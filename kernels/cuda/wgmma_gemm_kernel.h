// "cuda:wgmma": the plugin's Hopper GEMM (wgmma_gemm.cu) on one device, fp16/bf16 with fp32
// accumulation: buffers, TMA tensor maps of A and B (encoded once per upload), event timing.
#pragma once

#include <string>

#include "kernels/backend_api.h"
#include "kernels/cuda/device_buffers.h"
#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/device_stream.h"
#include "kernels/cuda/event_timer.h"
#include "kernels/cuda/wgmma_launch.h"
#include "workloads/gemm_spec.h"

namespace aicert::cuda {

class WgmmaGemmKernel final : public Kernel {
 public:
  // Does not check support: callers do (gemm_unsupported_reason).
  WgmmaGemmKernel(const DeviceCaps& caps, const GemmSpec& spec);

  std::string_view impl() const override { return "cuda:wgmma"; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override;
  void download(HostTensors& tensors) override;
  std::string_view timer_name() const override { return "cuda-events"; }

 private:
  GemmSpec spec_;
  DeviceStream stream_;
  DeviceBuffers buffers_;  // after the stream: freed first
  EventTimer timer_;
  WgmmaLaunch launch_;  // filled by upload()
};

}  // namespace aicert::cuda
