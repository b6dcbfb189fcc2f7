// cpu:cblas — GEMM through the CBLAS of OpenBLAS: what a user of this machine gets from the
// standard library. fp32 via cblas_sgemm; bf16 via cblas_sbgemm when the loaded OpenBLAS
// exports it; fp16 has no CBLAS routine.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "kernels/backend_api.h"
#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/impl_names.h"
#include "kernels/cpu/kernel_tensors.h"
#include "kernels/cpu/openblas_library.h"
#include "kernels/cpu/run_timer.h"
#include "kernels/cpu/thread_pool.h"
#include "workloads/blas_threads.h"
#include "workloads/gemm_spec.h"

namespace aicert::cpu {

class CblasKernel final : public Kernel {
 public:
  // Null with the reason in *why_not when CBLAS cannot run the case (dtype, sizes).
  // pool: threads for the fp32 <-> bf16 conversions of C (OpenBLAS has its own for the GEMM).
  static std::unique_ptr<Kernel> make(const GemmSpec& spec, std::shared_ptr<ThreadPool> pool,
                                      std::string* why_not);

  // The case is over: OpenBLAS's spinning threads must not take the cores of the next one.
  ~CblasKernel() override { park_blas_threads(); }

  std::string_view impl() const override { return kCblasImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override { return timer_.take_ms(); }
  void download(HostTensors& tensors) override { tensors_.download(tensors); }

 private:
  CblasKernel(const GemmSpec& spec, std::shared_ptr<ThreadPool> pool, CblasSbgemmFn sbgemm)
      : spec_(spec), pool_(std::move(pool)), sbgemm_(sbgemm) {}
  void compute();

  GemmSpec spec_;
  std::shared_ptr<ThreadPool> pool_;
  CblasSbgemmFn sbgemm_;  // set for bf16 only
  KernelTensors tensors_;
  AlignedBuffer c_fp32_;  // sbgemm's fp32 C, rounded to bf16 after each run
  RunTimer timer_;
};

}  // namespace aicert::cpu
