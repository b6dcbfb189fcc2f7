// cpu:flash — the backend's own attention: FlashAttention (flash_attention.h) on the GEMM
// micro-kernel and softmax step chosen for this CPU; fp32 accumulation, a 16-bit O rounded once.
#pragma once

#include <memory>
#include <string_view>

#include "kernels/backend_api.h"
#include "kernels/cpu/flash_attention.h"
#include "kernels/cpu/impl_names.h"
#include "kernels/cpu/kernel_tensors.h"
#include "kernels/cpu/run_timer.h"
#include "workloads/attention_spec.h"

namespace aicert::cpu {

class FlashKernel final : public Kernel {
 public:
  FlashKernel(const AttentionSpec& spec, const MicroKernel& micro_kernel,
              const SoftmaxStep& softmax, std::shared_ptr<ThreadPool> pool);

  std::string_view impl() const override { return kFlashImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override { return timer_.take_ms(); }
  void download(HostTensors& tensors) override { tensors_.download(tensors); }

 private:
  AttentionSpec spec_;
  FlashAttention attention_;
  KernelTensors tensors_;
  RunTimer timer_;
};

}  // namespace aicert::cpu
