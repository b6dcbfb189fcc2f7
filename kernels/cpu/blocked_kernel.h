// cpu:blocked — the backend's own GEMM: the BLIS-style BlockedGemm on the micro-kernel chosen
// for this CPU, fp32 accumulation, 16-bit C rounded once from an fp32 workspace.
#pragma once

#include <memory>
#include <string_view>

#include "kernels/backend_api.h"
#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/blocked_gemm.h"
#include "kernels/cpu/impl_names.h"
#include "kernels/cpu/kernel_tensors.h"
#include "kernels/cpu/run_timer.h"
#include "kernels/cpu/thread_pool.h"
#include "workloads/gemm_spec.h"

namespace aicert::cpu {

class BlockedKernel final : public Kernel {
 public:
  BlockedKernel(const GemmSpec& spec, const MicroKernel& micro_kernel, const BlockSizes& blocks,
                std::shared_ptr<ThreadPool> pool);

  std::string_view impl() const override { return kBlockedImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override { return timer_.take_ms(); }
  void download(HostTensors& tensors) override { tensors_.download(tensors); }

 private:
  void compute();

  GemmSpec spec_;
  std::shared_ptr<ThreadPool> pool_;
  BlockedGemm gemm_;
  KernelTensors tensors_;
  AlignedBuffer c_fp32_;  // fp32 accumulator of a 16-bit C
  RunTimer timer_;
};

}  // namespace aicert::cpu
