// The own CUDA GEMM as a Kernel: buffers, launch arguments, event timing.
#include "kernels/cuda/own_gemm_kernel.h"

#include <stdexcept>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/gemm_launch.h"

namespace aicert::cuda {

OwnGemmKernel::OwnGemmKernel(const DeviceCaps& caps, const GemmSpec& spec)
    : spec_(spec), stream_(caps.index, caps.label()) {}

void OwnGemmKernel::upload(const HostTensors& tensors) {
  stream_.activate();
  buffers_.upload(tensors, stream_.get(), stream_.label());
}

void OwnGemmKernel::run() {
  if (buffers_.empty()) throw std::logic_error("cuda:tiled run() before upload()");
  stream_.activate();
  GemmLaunch g;
  g.m = static_cast<int>(spec_.m);
  g.n = static_cast<int>(spec_.n);
  g.k = static_cast<int>(spec_.k);
  g.a = buffers_.payload("A");
  g.b = buffers_.payload("B");
  g.c = buffers_.payload("C");
  g.lda = spec_.a_transposed() ? spec_.m : spec_.k;
  g.ldb = spec_.b_transposed() ? spec_.k : spec_.n;
  g.ldc = spec_.n;
  g.alpha = static_cast<float>(spec_.alpha);
  g.beta = static_cast<float>(spec_.beta);
  g.a_transposed = spec_.a_transposed();
  g.b_transposed = spec_.b_transposed();
  const std::string& where = stream_.label();
  timer_.begin(stream_.get(), where);
  switch (spec_.dtype) {
    case DType::fp32:
      AICERT_CUDA(where, launch_simt_gemm_fp32(g, stream_.get()));
      break;
    case DType::fp16:
      AICERT_CUDA(where, launch_tensor_core_gemm(TensorCoreType::fp16, g, stream_.get()));
      break;
    case DType::bf16:
      AICERT_CUDA(where, launch_tensor_core_gemm(TensorCoreType::bf16, g, stream_.get()));
      break;
    case DType::int32:  // not a GEMM dtype: refused by validate_gemm_spec
      break;
  }
  timer_.end(stream_.get(), where);
}

double OwnGemmKernel::elapsed_ms_since_last_sync() {
  stream_.activate();
  return timer_.sync_and_sum_ms(stream_.label());
}

void OwnGemmKernel::download(HostTensors& tensors) {
  stream_.activate();
  buffers_.download(tensors, stream_.get(), stream_.label());
}

}  // namespace aicert::cuda
