// The own CUDA GEMM as a Kernel: buffers, launch arguments, event timing.
#include "kernels/cuda/own_gemm_kernel.h"

#include <stdexcept>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/gemm_launch.h"
#include "kernels/cuda/gemm_launch_args.h"

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
  const GemmLaunch g = gemm_launch_for(spec_, buffers_);
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
