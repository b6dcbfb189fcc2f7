// The own CUDA GEMM as a Kernel: launch arguments and the kernel for the dtype.
#include "kernels/cuda/own_gemm_kernel.h"

#include <stdexcept>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/gemm_launch.h"

namespace aicert::cuda {

OwnGemmKernel::OwnGemmKernel(const DeviceCaps& caps, const GemmSpec& spec)
    : StreamKernel(caps), spec_(spec) {}

void OwnGemmKernel::run() {
  if (buffers().empty()) throw std::logic_error("cuda:tiled run() before upload()");
  stream().activate();
  GemmLaunch g;
  g.m = static_cast<int>(spec_.m);
  g.n = static_cast<int>(spec_.n);
  g.k = static_cast<int>(spec_.k);
  g.a = buffers().payload("A");
  g.b = buffers().payload("B");
  g.c = buffers().payload("C");
  g.lda = spec_.a_transposed() ? spec_.m : spec_.k;
  g.ldb = spec_.b_transposed() ? spec_.k : spec_.n;
  g.ldc = spec_.n;
  g.alpha = static_cast<float>(spec_.alpha);
  g.beta = static_cast<float>(spec_.beta);
  g.a_transposed = spec_.a_transposed();
  g.b_transposed = spec_.b_transposed();
  const std::string& where = stream().label();
  timer().begin(stream().get(), where);
  switch (spec_.dtype) {
    case DType::fp32:
      AICERT_CUDA(where, launch_simt_gemm_fp32(g, stream().get()));
      break;
    case DType::fp16:
      AICERT_CUDA(where, launch_tensor_core_gemm(TensorCoreType::fp16, g, stream().get()));
      break;
    case DType::bf16:
      AICERT_CUDA(where, launch_tensor_core_gemm(TensorCoreType::bf16, g, stream().get()));
      break;
    case DType::int32:  // not a GEMM dtype: refused by validate_gemm_spec
      break;
  }
  timer().end(stream().get(), where);
}

}  // namespace aicert::cuda
