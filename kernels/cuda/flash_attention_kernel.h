// "cuda:flash": the plugin's own flash-attention forward (flash_attention.cu) on one device,
// fp16/bf16 at head dim 64 or 128, fp32 accumulation, timed with CUDA events; and the decision
// whether it can run a case, made before any launch (the reason becomes not-supported).
#pragma once

#include <string>
#include <string_view>

#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/impl_names.h"
#include "kernels/cuda/stream_kernel.h"
#include "workloads/attention_spec.h"

namespace aicert::cuda {

// Empty when cuda:flash runs `spec` (already valid per validate_attention_spec) on the device,
// else "not supported: <why>". `own_image_error` is what own_gemm_image_error() said for the
// device: the own kernels share one module, so no code for one is no code for all.
std::string flash_unsupported_reason(const DeviceCaps& caps, const AttentionSpec& spec,
                                     const std::string& own_image_error);

class FlashAttentionKernel final : public StreamKernel {
 public:
  // Does not check support: callers do (flash_unsupported_reason).
  FlashAttentionKernel(const DeviceCaps& caps, const AttentionSpec& spec);

  std::string_view impl() const override { return kFlashImpl; }
  void run() override;

 private:
  AttentionSpec spec_;
};

}  // namespace aicert::cuda
