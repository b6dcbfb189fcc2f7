// The Hopper GEMM as a Kernel: the launch arguments and tensor maps follow the uploaded buffers.
#include "kernels/cuda/wgmma_gemm_kernel.h"

#include <stdexcept>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/gemm_launch_args.h"
#include "kernels/cuda/tensor_map.h"

namespace aicert::cuda {

WgmmaGemmKernel::WgmmaGemmKernel(const DeviceCaps& caps, const GemmSpec& spec)
    : StreamKernel(caps), spec_(spec) {}

void WgmmaGemmKernel::upload(const HostTensors& tensors) {
  StreamKernel::upload(tensors);
  const bool a_t = spec_.a_transposed(), b_t = spec_.b_transposed();
  launch_.g = gemm_launch_for(spec_, buffers());
  const GemmLaunch& g = launch_.g;
  launch_.a_map = CUtensorMap{};
  launch_.b_map = CUtensorMap{};
  if (spec_.k == 0 || spec_.m == 0 || spec_.n == 0) return;  // no operand is read

  const bool bf16 = spec_.dtype == DType::bf16;
  // A K-major operand's box is 64 (K) x the tile's M or N, an MN-major operand's box 64 (M or
  // N) x 64 (K) (wgmma_layout.h).
  const StoredShape sa = stored_a(spec_), sb = stored_b(spec_);
  const TensorMapMatrix a = tensor_map_matrix(g.a, sa.rows, sa.cols);
  const TensorMapMatrix b = tensor_map_matrix(g.b, sb.rows, sb.cols);
  if (std::string e =
          encode_tensor_map(&launch_.a_map, a, bf16, wgmma::kBoxInner, wgmma::box_rows(true, !a_t));
      !e.empty()) {
    throw CudaError(e + " (A of cuda:wgmma on " + stream().label() + ")");
  }
  if (std::string e =
          encode_tensor_map(&launch_.b_map, b, bf16, wgmma::kBoxInner, wgmma::box_rows(false, b_t));
      !e.empty()) {
    throw CudaError(e + " (B of cuda:wgmma on " + stream().label() + ")");
  }
}

void WgmmaGemmKernel::run() {
  if (buffers().empty()) throw std::logic_error("cuda:wgmma run() before upload()");
  stream().activate();
  const std::string& where = stream().label();
  const TensorCoreType type =
      spec_.dtype == DType::bf16 ? TensorCoreType::bf16 : TensorCoreType::fp16;
  timer().begin(stream().get(), where);
  AICERT_CUDA(where, launch_wgmma_gemm(type, launch_, stream().get()));
  timer().end(stream().get(), where);
}

}  // namespace aicert::cuda
