// Host entry points of the own CUDA GEMM kernels (gemm_kernels.cu): C = alpha*op(A)*op(B) +
// beta*C, row-major, fp32 accumulation. Plain types only, so nvcc sees no harness headers.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "kernels/cuda/tensor_core_type.h"

namespace aicert::cuda {

struct GemmLaunch {
  int m = 0, n = 0, k = 0;
  const void* a = nullptr;  // MxK, or KxM when a_transposed (TN)
  std::int64_t lda = 0;
  const void* b = nullptr;  // KxN, or NxK when b_transposed (NT)
  std::int64_t ldb = 0;
  void* c = nullptr;  // MxN
  std::int64_t ldc = 0;
  float alpha = 1, beta = 0;
  bool a_transposed = false, b_transposed = false;
};

// Tile of the tensor-core kernel (block tile 128x128x32, 8 warps of 64x32, 4 cp.async stages).
inline constexpr int kTensorCoreBlockM = 128, kTensorCoreBlockN = 128, kTensorCoreBlockK = 32,
                     kTensorCoreStages = 4;
// Tile of the SIMT fp32 kernel (128x128x8, 256 threads of 8x8).
inline constexpr int kSimtBlockM = 128, kSimtBlockN = 128, kSimtBlockK = 8;

// Enqueue one GEMM on `stream`; return the launch's error (cudaGetLastError).
cudaError_t launch_simt_gemm_fp32(const GemmLaunch& g, cudaStream_t stream);
cudaError_t launch_tensor_core_gemm(TensorCoreType type, const GemmLaunch& g, cudaStream_t stream);

// Empty when the own kernels have machine code or PTX for the current device, else why not
// (e.g. "cudaErrorNoKernelImageForDevice ..." on a GPU older than the built architectures).
std::string own_gemm_image_error();

}  // namespace aicert::cuda
