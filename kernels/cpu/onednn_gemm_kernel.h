// cpu:onednn — GEMM through oneDNN's matmul primitive: the vendor row beside cpu:blocked and
// cpu:cblas (bf16 where oneDNN has kernels for the CPU, from avx512_core; fp16 where this
// oneDNN has CPU kernels for it). alpha is an output scale, beta a sum post-op on C; the
// layouts are strides of the memory descriptors, so no operand is copied. Runs on as many
// OpenMP threads as the backend's pool has (AICERT_CPU_THREADS).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <oneapi/dnnl/dnnl.hpp>

#include "kernels/backend_api.h"
#include "kernels/cpu/impl_names.h"
#include "kernels/cpu/kernel_tensors.h"
#include "kernels/cpu/run_timer.h"
#include "workloads/gemm_spec.h"

namespace aicert::cpu {

class OnednnGemmKernel final : public Kernel {
 public:
  // Null with oneDNN's own reason in *why_not when it has no matmul for the case on this CPU.
  static std::unique_ptr<Kernel> make(const GemmSpec& spec, int threads, std::string* why_not);

  std::string_view impl() const override { return kOnednnImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override { return timer_.take_ms(); }
  void download(HostTensors& tensors) override { tensors_.download(tensors); }

 private:
  OnednnGemmKernel(const GemmSpec& spec, int threads, dnnl::engine engine,
                   dnnl::matmul::primitive_desc pd)
      : spec_(spec), threads_(threads), engine_(std::move(engine)), stream_(engine_),
        pd_(std::move(pd)), matmul_(pd_) {}

  GemmSpec spec_;
  int threads_;
  dnnl::engine engine_;
  dnnl::stream stream_;
  dnnl::matmul::primitive_desc pd_;
  dnnl::matmul matmul_;
  KernelTensors tensors_;
  std::optional<dnnl::memory> a_, b_, c_;  // over the uploaded payloads, no copies
  RunTimer timer_;
};

}  // namespace aicert::cpu
