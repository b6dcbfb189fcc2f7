// "cuda:cublaslt": the vendor GEMM through cuBLASLt for fp32, fp16 and bf16 (fp32 compute and
// scale type). Row-major C = op(A)op(B) is computed as the column-major C^T = op(B)^T op(A)^T,
// with the algorithm the heuristic ranks first and a 32 MiB workspace.
#pragma once

#include <cublasLt.h>

#include <memory>
#include <string>

#include "kernels/backend_api.h"
#include "kernels/cuda/device_buffers.h"
#include "kernels/cuda/device_caps.h"
#include "kernels/cuda/device_stream.h"
#include "kernels/cuda/event_timer.h"
#include "kernels/cuda/impl_names.h"
#include "workloads/gemm_spec.h"

namespace aicert::cuda {

class CublasLtGemmKernel final : public Kernel {
 public:
  // Null with "not supported: ..." in *why_not when the heuristic offers no algorithm;
  // throws CudaError on an API failure.
  static std::unique_ptr<CublasLtGemmKernel> create(const DeviceCaps& caps, const GemmSpec& spec,
                                                    std::string* why_not);
  ~CublasLtGemmKernel() override;

  std::string_view impl() const override { return kCublasLtImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override;
  void download(HostTensors& tensors) override;
  std::string_view timer_name() const override { return "cuda-events"; }

 private:
  CublasLtGemmKernel(const DeviceCaps& caps, const GemmSpec& spec);
  // Empty when an algorithm was found, else why not.
  std::string choose_algorithm();

  static constexpr std::size_t kWorkspaceBytes = std::size_t{32} << 20;

  GemmSpec spec_;
  DeviceStream stream_;
  cublasLtHandle_t handle_ = nullptr;
  cublasLtMatmulDesc_t desc_ = nullptr;
  cublasLtMatrixLayout_t a_layout_ = nullptr;  // first operand of the column-major product: B
  cublasLtMatrixLayout_t b_layout_ = nullptr;  // second: A
  cublasLtMatrixLayout_t c_layout_ = nullptr;
  cublasLtMatmulAlgo_t algo_{};
  void* workspace_ = nullptr;
  DeviceBuffers buffers_;
  EventTimer timer_;
};

// "cuBLASLt 13.0.0 (built against 13.0.0)".
std::string cublaslt_version();

}  // namespace aicert::cuda
