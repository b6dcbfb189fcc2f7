// Error texts and the thrower behind AICERT_CUDA.
#include "kernels/cuda/cuda_check.h"

namespace aicert::cuda {

std::string cuda_error_text(cudaError_t status) {
  return std::string(cudaGetErrorName(status)) + " (" + cudaGetErrorString(status) + ")";
}

std::string cublas_error_text(cublasStatus_t status) {
  return std::string(cublasLtGetStatusName(status)) + " (" + cublasLtGetStatusString(status) + ")";
}

void throw_cuda_error(std::string_view error, const char* call, std::string_view where,
                      const char* file, int line) {
  std::string what = std::string(call) + " failed: " + std::string(error);
  if (!where.empty()) what += " on " + std::string(where);
  what += " [" + std::string(file) + ":" + std::to_string(line) + "]";
  throw CudaError(what);
}

}  // namespace aicert::cuda
