// Host entry point of the Hopper GEMM "cuda:wgmma" (wgmma_gemm.cu): launch arguments with the
// TMA tensor maps of A and B. Plain types and CUDA headers only; the geometry is wgmma_layout.h.
#pragma once

#include <cuda.h>  // CUtensorMap (a plain struct; the plugin does not link libcuda)

#include "kernels/cuda/gemm_launch.h"
#include "kernels/cuda/wgmma_layout.h"

namespace aicert::cuda {

struct WgmmaLaunch {
  GemmLaunch g;
  // Tensor maps of A and B as stored (row-major, 128-byte swizzle, zero fill out of bounds),
  // boxes as in wgmma_layout.h. Unused (and left zeroed) when K = 0.
  CUtensorMap a_map{}, b_map{};
};

// Enqueue one GEMM on `stream` (fp16 or bf16, layout from g.a_transposed / g.b_transposed).
cudaError_t launch_wgmma_gemm(TensorCoreType type, const WgmmaLaunch& w, cudaStream_t stream);

// Empty when the wgmma kernel has machine code for the current device (sm_90a: compute
// capability 9.0 only), else the runtime's error.
std::string wgmma_image_error();

}  // namespace aicert::cuda
