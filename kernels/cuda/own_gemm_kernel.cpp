// The own CUDA GEMM as a Kernel: launch arguments and the kernel for the dtype.
#include "kernels/cuda/own_gemm_kernel.h"

#include <stdexcept>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/gemm_launch.h"
#include "kernels/cuda/gemm_launch_args.h"

namespace aicert::cuda {

OwnGemmKernel::OwnGemmKernel(const DeviceCaps& caps, const GemmSpec& spec)
    : StreamKernel(caps), spec_(spec) {}

void OwnGemmKernel::run() {
  if (buffers().empty()) throw std::logic_error("cuda:tiled run() before upload()");
  stream().activate();
  const GemmLaunch g = gemm_launch_for(spec_, buffers());
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
    case DType::int32:    // not a GEMM dtype: refused by validate_gemm_spec
    case DType::fp8e4m3:  // refused by gemm_unsupported_reason
      break;
  }
  timer().end(stream().get(), where);
}

}  // namespace aicert::cuda
