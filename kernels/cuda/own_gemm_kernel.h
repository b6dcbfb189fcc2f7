// "cuda:tiled": the plugin's own GEMM (gemm_kernels.cu) on one device: the SIMT kernel for fp32,
// the tensor-core kernel for fp16 and bf16, fp32 accumulation, timed with CUDA events.
#pragma once

#include <string>

#include "kernels/backend_api.h"
#include "kernels/cuda/device_buffers.h"
#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/device_stream.h"
#include "kernels/cuda/event_timer.h"
#include "workloads/gemm_spec.h"

namespace aicert::cuda {

class OwnGemmKernel final : public Kernel {
 public:
  // Does not check support: callers do (gemm_unsupported_reason).
  OwnGemmKernel(const DeviceCaps& caps, const GemmSpec& spec);

  std::string_view impl() const override { return "cuda:tiled"; }
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
};

}  // namespace aicert::cuda
